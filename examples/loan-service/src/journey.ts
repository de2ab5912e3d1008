/**
 * The rules of the loan journey (seed 000 §4.1): the stages an application moves
 * through, which action each stage allows, the progress step each action reports,
 * and the underwriting policy of the review. Plain values and functions, no HTTP.
 */

/** Where an application is. The last three are final. */
export type Stage = 'STARTED' | 'IDENTITY_VERIFIED' | 'DOCUMENT_READ' | 'CREDIT_CHECKED' | 'APPROVED' | 'COMPLETED' | 'REJECTED' | 'CANCELLED';

export type Action = 'identity' | 'documents' | 'creditCheck' | 'review' | 'complete';

/** Progress steps of the journey (seed 000 §3), with the sub-type that tells the two data steps apart. */
export type Step = 'IDENTITY_VERIFIED' | 'DATA_COLLECTED' | 'REVIEWED' | 'COMPLETED';
export type SubType = 'OCR' | 'CB' | null;

export interface Transition {
  /** The stage the action needs. */
  from: Stage;
  /** The stage it leads to when it succeeds; a failed attempt leaves the stage as it was. */
  to: Stage;
  step: Step;
  subType: SubType;
}

/** seed 000 §4.1: identity → ID scan (OCR) → credit bureau (CB) → review → loan paid out. */
export const TRANSITIONS: Readonly<Record<Action, Transition>> = {
  identity: { from: 'STARTED', to: 'IDENTITY_VERIFIED', step: 'IDENTITY_VERIFIED', subType: null },
  documents: { from: 'IDENTITY_VERIFIED', to: 'DOCUMENT_READ', step: 'DATA_COLLECTED', subType: 'OCR' },
  creditCheck: { from: 'DOCUMENT_READ', to: 'CREDIT_CHECKED', step: 'DATA_COLLECTED', subType: 'CB' },
  review: { from: 'CREDIT_CHECKED', to: 'APPROVED', step: 'REVIEWED', subType: null },
  complete: { from: 'APPROVED', to: 'COMPLETED', step: 'COMPLETED', subType: null },
};

/** Reason codes of seed 000 §5 that this service reports. */
export const REASONS = {
  /** FAIL at DATA_COLLECTED / OCR: the ID scan could not be read. */
  blurryScan: 'QUALITY_LOW',
  /** FAIL at DATA_COLLECTED / CB: the credit bureau did not answer in time. */
  bureauTimeout: 'NETWORK_TIMEOUT',
  /** CANCEL at the step the applicant was on. */
  applicantQuit: 'USER_ABORT',
  /** FAIL at REVIEWED: the application breaks the lending policy. */
  policy: 'POLICY_REJECT',
} as const;

export const isFinal = (stage: Stage) => stage === 'COMPLETED' || stage === 'REJECTED' || stage === 'CANCELLED';

/** The step an applicant at `stage` is working on, where a cancel is reported; undefined once final. */
export function stepInProgress(stage: Stage): Pick<Transition, 'step' | 'subType'> | undefined {
  return Object.values(TRANSITIONS).find((t) => t.from === stage);
}

/** The lending policy the review applies. */
export const POLICY = {
  /** Highest debt-service ratio: all yearly loan repayments over yearly income. */
  maxDsr: 0.4,
  /** Lowest credit-bureau score. */
  minCreditScore: 600,
  /** Yearly interest rate offered. */
  annualRate: 0.065,
} as const;

/** Monthly repayment of an amortising loan. */
export function monthlyPayment(amount: number, termMonths: number, annualRate: number = POLICY.annualRate): number {
  const r = annualRate / 12;
  return r === 0 ? amount / termMonths : (amount * r) / (1 - (1 + r) ** -termMonths);
}

export interface UnderwritingInput {
  amount: number;
  termMonths: number;
  annualIncome: number;
  /** From the credit bureau. */
  creditScore: number;
  /** Yearly repayments of loans held elsewhere, from the credit bureau. */
  annualDebtPayments: number;
}

export type Decision =
  | { approved: true; monthlyPayment: number; annualRate: number; dsr: number }
  | { approved: false; rule: 'CREDIT_SCORE' | 'DSR'; dsr: number };

/** The review's decision; a rejection names the rule that refused it. */
export function underwrite(a: UnderwritingInput): Decision {
  const monthly = monthlyPayment(a.amount, a.termMonths);
  const dsr = Math.round(((monthly * 12 + a.annualDebtPayments) / a.annualIncome) * 1000) / 1000;
  if (a.creditScore < POLICY.minCreditScore) return { approved: false, rule: 'CREDIT_SCORE', dsr };
  if (dsr > POLICY.maxDsr) return { approved: false, rule: 'DSR', dsr };
  return { approved: true, monthlyPayment: Math.round(monthly), annualRate: POLICY.annualRate, dsr };
}
