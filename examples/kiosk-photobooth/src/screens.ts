/**
 * The eight screens. Each returns its markup and starts whatever device work it
 * does; `kiosk.alive()` tells a running flow whether its screen is still shown.
 *
 * What the SDK sees without code: taps on every button (with heatmap data), the
 * route of each screen, `select` / `deselect` on `[data-waymark-select]` buttons (by
 * their aria-pressed), a cancelled session on `[data-waymark-cancel]`, `back` on the
 * Back buttons (they go through history). What the screens send themselves: the
 * timings (payment, capture with its shutter and save marks, render, print), the
 * purchase, a declined payment, and printer jams.
 */
import type { BrowserClient } from '@waymark/browser';
import { PaymentDeclinedError, type Hardware, type PaymentMethod } from './booth-hardware.js';
import { amounts, FILTERS, FINISHES, FRAMES, PRINT_COUNTS, won, type Order } from './catalog.js';
import { choose, h } from './element.js';
import type { Stage } from './routes.js';

/** What a screen may use and do. */
export interface Kiosk {
  waymark: BrowserClient;
  hardware: Hardware;
  order: Order;
  /** Experiment `price_display`: `plain` or `bold`. */
  priceDisplay: string;
  /** Shows a stage's screen (history.pushState, which the SDK records as a screen). */
  go(stage: Stage): void;
  /** The previous screen, through history (popstate: the SDK records `back`). */
  back(): void;
  /** A new customer: a fresh order on the attract screen. */
  restart(): void;
  /** While true, the idle return to the attract screen waits (a device is working). */
  busy(working: boolean): void;
  /** Whether the screen that started a flow is still the one shown. */
  alive: () => boolean;
}

const wait = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));

const price = (k: Kiosk, amount: number) => h('span', { class: `price ${k.priceDisplay}` }, won(amount));

const header = (title: string, step: number) => h('header', {}, h('span', { class: 'step' }, `${step} / 6`), h('h1', {}, title));

const cancelButton = (k: Kiosk) => h('button', { id: 'cancel', class: 'ghost', 'data-waymark-cancel': true, onclick: () => k.restart() }, 'Cancel');

const backButton = (k: Kiosk) => h('button', { id: 'back', class: 'ghost', onclick: () => k.back() }, 'Back');

export const SCREEN: Record<Stage, (k: Kiosk) => HTMLElement> = {
  attract: (k) =>
    h(
      'section',
      { class: 'attract' },
      h('button', { id: 'start', class: 'start', onclick: () => k.go('frame_select') }, h('strong', {}, 'Photo Booth'), h('span', {}, 'Touch to start')),
    ),

  frame_select(k) {
    const next = h('button', { id: 'next', class: 'primary', disabled: !k.order.frame, onclick: () => k.go('options') }, 'Next');
    const cards: HTMLButtonElement[] = FRAMES.map((frame) =>
      h(
        'button',
        {
          id: `frame-${frame.id}`,
          class: 'card',
          'data-waymark-select': `frame_${frame.id}`,
          'aria-pressed': String(k.order.frame?.id === frame.id),
          onclick: (e) => {
            k.order.frame = frame;
            choose(cards, e.currentTarget as Element);
            next.disabled = false;
          },
        },
        h('span', { class: 'preview', style: `background: ${frame.look}` }),
        h('strong', {}, frame.name),
        h('small', {}, `${frame.shots} ${frame.shots > 1 ? 'shots' : 'shot'} · 2 prints`),
        price(k, frame.price),
      ),
    );
    return h('section', {}, header('Choose a frame', 1), h('div', { class: 'grid' }, ...cards), h('footer', {}, cancelButton(k), next));
  },

  options(k) {
    const o = k.order;
    const total = h('p', { class: 'total' }, 'Total ', price(k, amounts(o).gross));
    const refresh = () => total.replaceChildren('Total ', price(k, amounts(o).gross));
    const counts: HTMLButtonElement[] = PRINT_COUNTS.map((n) =>
      h('button', { id: `prints-${n}`, class: 'chip', 'data-waymark-select': `prints_${n}`, 'aria-pressed': String(o.prints === n), onclick: (e) => ((o.prints = n), choose(counts, e.currentTarget as Element), refresh()) }, `${n} prints`),
    );
    const finishes: HTMLButtonElement[] = FINISHES.map((f) =>
      h('button', { id: `finish-${f}`, class: 'chip', 'data-waymark-select': `finish_${f}`, 'aria-pressed': String(o.finish === f), onclick: (e) => ((o.finish = f), choose(finishes, e.currentTarget as Element)) }, f),
    );
    return h(
      'section',
      {},
      header('Prints and paper', 2),
      h('h2', {}, 'How many prints?'),
      h('div', { class: 'row' }, ...counts),
      h('h2', {}, 'Paper'),
      h('div', { class: 'row' }, ...finishes),
      total,
      h('footer', {}, backButton(k), cancelButton(k), h('button', { id: 'next', class: 'primary', onclick: () => k.go('payment') }, 'Pay')),
    );
  },

  payment(k) {
    const due = amounts(k.order);
    const status = h('p', { class: 'status' }, 'Choose how to pay');
    const methods: HTMLButtonElement[] = [];
    const footer = h('footer', {}, backButton(k), cancelButton(k));
    // While the terminal works, neither another method nor leaving the screen.
    const lock = (locked: boolean) => {
      for (const b of [...methods, ...footer.querySelectorAll('button')]) b.disabled = locked;
    };
    const pay = async (method: PaymentMethod) => {
      lock(true);
      status.textContent = method === 'card' ? 'Insert or tap your card on the terminal…' : 'Hold your phone to the reader…';
      k.busy(true);
      try {
        await k.waymark.measure('payment', () => k.hardware.charge(due.net, method));
        k.waymark.trackPurchase({ amounts: due, currency: 'KRW', paymentMethod: method });
        k.order.paid = true;
        if (k.alive()) k.go('capture');
      } catch (error) {
        if (!(error instanceof PaymentDeclinedError)) throw error;
        k.waymark.trackProgress({ step: 'FORM_SUBMITTED', status: 'FAIL', reason: 'PAYMENT_DECLINED', meta: { subType: 'payment', paymentMethod: method } });
        status.textContent = 'The payment was declined. Try again, or pay another way.';
        lock(false);
      } finally {
        k.busy(false);
      }
    };
    methods.push(
      h('button', { id: 'pay-card', class: 'primary big', onclick: () => void pay('card') }, 'Card'),
      h('button', { id: 'pay-mobile', class: 'primary big', onclick: () => void pay('mobile') }, 'Mobile pay'),
    );
    return h(
      'section',
      {},
      header('Payment', 3),
      h('p', { class: 'total' }, `${k.order.frame?.name ?? ''} · ${k.order.prints} prints · ${k.order.finish} `, price(k, due.gross)),
      h('div', { class: 'row' }, ...methods),
      status,
      footer,
    );
  },

  capture(k) {
    const shots = k.order.frame?.shots ?? 1;
    const count = h('div', { class: 'countdown' }, 'Get ready');
    const viewfinder = h('div', { class: 'viewfinder' }, count);
    const thumbs = h('div', { class: 'thumbs' });
    void (async () => {
      k.busy(true);
      try {
        while (k.order.shots < shots && k.alive()) {
          for (const n of [3, 2, 1]) {
            count.textContent = String(n);
            await wait(1_000);
          }
          count.textContent = '';
          // One capture metric per shot, with the shutter and save phases as its breakdown.
          const timer = k.waymark.startTimer('capture');
          await k.hardware.shutter();
          timer.mark('shutter');
          viewfinder.classList.add('flash');
          await k.hardware.save();
          timer.mark('save');
          timer.end();
          viewfinder.classList.remove('flash');
          k.order.shots++;
          thumbs.append(h('span', { class: 'thumb', style: `background: ${k.order.frame?.look ?? '#ccc'}` }));
        }
      } finally {
        k.busy(false);
      }
      if (k.alive()) k.go('edit');
    })();
    return h('section', {}, header(`Smile! ${shots} ${shots > 1 ? 'shots' : 'shot'}`, 4), viewfinder, thumbs);
  },

  edit(k) {
    const o = k.order;
    const preview = h('div', { class: `print-preview filter-${o.filter}`, style: `background: ${o.frame?.look ?? '#ccc'}` });
    const status = h('p', { class: 'status' }, '');
    const printButton = h('button', { id: 'print', class: 'primary', onclick: () => k.go('print') }, 'Print');
    let rendering = 0;
    const filters: HTMLButtonElement[] = FILTERS.map((f) =>
      h(
        'button',
        {
          id: `filter-${f}`,
          class: 'chip',
          'data-waymark-select': `filter_${f}`,
          'aria-pressed': String(o.filter === f),
          onclick: async (e) => {
            o.filter = f;
            choose(filters, e.currentTarget as Element);
            printButton.disabled = true;
            status.textContent = 'Applying…';
            rendering++;
            await k.waymark.measure('render', () => k.hardware.render(o.shots));
            if (--rendering) return;
            preview.className = `print-preview filter-${o.filter}`;
            status.textContent = '';
            printButton.disabled = false;
          },
        },
        f,
      ),
    );
    return h('section', {}, header('Make it yours', 5), preview, h('div', { class: 'row' }, ...filters), status, h('footer', {}, printButton));
  },

  print(k) {
    const o = k.order;
    const sheets = o.prints / 2;
    const status = h('p', { class: 'status' }, 'Printing…');
    const bar = h('progress', { max: sheets, value: o.sheetsPrinted });
    const panel = h('div', { class: 'panel' }, bar, status);
    const run = async () => {
      panel.replaceChildren(bar, status);
      status.textContent = 'Printing…';
      k.busy(true);
      try {
        const from = o.sheetsPrinted;
        await k.waymark.measure('print', () =>
          k.hardware.print(sheets - from, (n) => {
            o.sheetsPrinted = from + n;
            bar.value = o.sheetsPrinted;
          }),
        );
        if (k.alive()) k.go('done');
      } catch (error) {
        // A jam: the metric above is recorded as failed; the report fails the funnel stage.
        k.waymark.captureError(error, { category: 'hardware', errorType: 'PRINTER_JAM' });
        status.textContent = 'The printer needs attention. A member of staff has been called.';
        panel.append(h('button', { id: 'retry-print', class: 'primary', onclick: () => void run() }, 'Staff: paper cleared, print again'));
      } finally {
        k.busy(false);
      }
    };
    void run();
    return h('section', {}, header('Printing your photos', 6), panel);
  },

  done(k) {
    const finish = () => {
      if (!k.alive()) return;
      k.waymark.endSession('completed');
      k.restart();
    };
    window.setTimeout(finish, 10_000);
    return h(
      'section',
      { class: 'done' },
      h('h1', {}, 'Thank you!'),
      h('p', {}, 'Take your photos from the tray below.'),
      h('button', { id: 'finish', class: 'primary', onclick: finish }, 'Done'),
    );
  },
};
