/**
 * A text progress bar of `width` cells for `fraction` (clamped to 0–1).
 *
 * @example
 * progressBar(0.5, 10) // '[#####-----]'
 */
export function progressBar(fraction: number, width = 24): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
