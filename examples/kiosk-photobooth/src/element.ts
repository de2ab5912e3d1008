/** A small element builder, so screens read as the markup they make. */
export type Child = Node | string | false | null | undefined;
export type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/**
 * Creates `<tag>` with attributes and children. A function prop `onclick` (any `on…`)
 * becomes a listener; `true` an empty attribute; `false` and `undefined` are left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== false) el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== false && child != null) el.append(child);
  return el;
}

/** Marks one button of a group as chosen (aria-pressed), which the SDK reads for select / deselect. */
export function choose(group: Iterable<Element>, chosen: Element) {
  for (const el of group) el.setAttribute('aria-pressed', String(el === chosen));
}
