/** A verification verdict as the verify page colours it: only "valid" reassures; a later version warns; the rest alarm. */
export function verdictTone(verdict: string): 'success' | 'warning' | 'error' {
  if (verdict === 'valid') return 'success';
  if (verdict === 'superseded' || verdict === 'unverified') return 'warning';
  return 'error';
}
