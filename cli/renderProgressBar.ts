/** `[#########-----------]  45%`: a fixed-width bar for a percentage (clamped to 0-100). */
export function renderProgressBar(percent: number, width = 20): string {
  const clamped = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const filled = Math.round((clamped / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(clamped)).padStart(3)}%`;
}
