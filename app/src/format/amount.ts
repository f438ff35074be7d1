/** Money on the ledger is integer fen; people read 元 with thousands separators and two decimals. */
export function formatYuan(fen: number, language: string): string {
  const yuan = new Intl.NumberFormat(language === 'en' ? 'en-US' : 'zh-CN', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(fen / 100);
  return language === 'en' ? `¥${yuan}` : `${yuan} 元`;
}
