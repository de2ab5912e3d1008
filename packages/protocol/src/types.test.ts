import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the types entry', () => {
  it('builds to plain constants with no validator in it', () => {
    const built = readFileSync(new URL('../dist/types.js', import.meta.url), 'utf8');
    const imports = [...built.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(imports.every((spec) => spec.startsWith('./'))).toBe(true);
    const code = [built, ...imports.map((spec) => readFileSync(new URL(`../dist/${spec}`, import.meta.url), 'utf8'))].join('\n');
    expect(code).toContain('IDENTITY_VERIFIED');
    expect(code).not.toMatch(/["']zod["']|safeParse/);
  });
});
