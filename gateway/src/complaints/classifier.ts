import { tokens } from '../shared/text-search';
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '@luohu/domain';

/**
 * Automatic classification of a complaint's Chinese text: a small keyword-weight model over jieba tokens.
 * Deterministic (no randomness, no training at run time): the same text always gets the same category, which keeps
 * the routing explainable to staff ("matched 噪音, 夜间") and testable.
 */
const MODEL: Record<Exclude<ComplaintCategory, 'other'>, Record<string, number>> = {
  noise: {
    噪音: 3,
    噪声: 3,
    扰民: 2.5,
    吵: 2,
    吵闹: 2,
    轰鸣: 2,
    分贝: 2,
    打桩: 1.5,
    电钻: 1.5,
    切割: 1,
    夜间: 1.5,
    深夜: 1.5,
    半夜: 1.5,
    凌晨: 1.5,
    晚上: 1,
    午休: 1,
    睡觉: 1,
    休息: 0.5,
    声音: 1,
  },
  dust: {
    扬尘: 3.5,
    灰尘: 3,
    粉尘: 3,
    尘土: 3,
    沙尘: 2.5,
    裸土: 2.5,
    洒水: 1.5,
    降尘: 2.5,
    雾炮: 2,
    覆盖: 1,
    苫盖: 2,
    空气: 1,
  },
  environment: {
    污水: 3,
    废水: 3,
    排污: 3,
    异味: 2.5,
    臭: 2,
    臭味: 2.5,
    垃圾: 2,
    渣土: 1.5,
    油污: 2,
    焚烧: 2.5,
    河道: 1.5,
    污染: 1.5,
  },
  safety: {
    隐患: 3,
    安全隐患: 1,
    安全: 1.5,
    危险: 2,
    坍塌: 3,
    倒塌: 3,
    塌方: 3,
    脚手架: 2.5,
    坠落: 3,
    坠物: 3,
    高空: 2,
    塔吊: 2.5,
    基坑: 2,
    漏电: 3,
    火灾: 3,
    消防: 2,
    安全帽: 2,
    防护: 1.5,
    防护网: 1.5,
    砸: 2,
  },
  traffic: {
    占道: 3,
    占用: 1.5,
    交通: 2,
    拥堵: 2,
    堵塞: 2,
    堵车: 2,
    人行道: 2,
    车道: 1.5,
    道路: 1,
    马路: 1,
    路口: 1,
    绕行: 1.5,
    通行: 1.5,
    泥头车: 1.5,
    停车: 1,
    围挡: 1,
  },
  quality: {
    质量: 3,
    漏水: 2.5,
    渗水: 3,
    渗漏: 3,
    开裂: 2,
    裂缝: 2,
    空鼓: 3,
    脱落: 2,
    沉降: 2,
    偷工减料: 3.5,
    劣质: 3,
    不合格: 2,
    墙体: 1,
    楼板: 1,
    返工: 1.5,
    验收: 1,
  },
  wage_arrears: {
    欠薪: 4,
    讨薪: 4,
    工资: 3,
    工钱: 3,
    拖欠: 3,
    血汗钱: 3,
    农民工: 2,
    包工头: 2,
    欠款: 1.5,
    发工资: 2,
    劳务费: 2,
  },
};

/** Below this score nothing is clear enough: the complaint goes to `other` and a clerk routes it by hand. */
export const MIN_SCORE = 2;
/** Fixed order to break ties, the more urgent first. */
const PRIORITY: readonly ComplaintCategory[] = [
  'safety',
  'wage_arrears',
  'quality',
  'noise',
  'dust',
  'environment',
  'traffic',
];

// A model term may be split by jieba (占道 → 占 道): it then matches when all its tokens occur.
const TERMS = Object.fromEntries(
  Object.entries(MODEL).map(([category, words]) => [
    category,
    Object.entries(words).map(([word, weight]) => ({ word, weight, parts: tokens(word) })),
  ]),
) as Record<Exclude<ComplaintCategory, 'other'>, Array<{ word: string; weight: number; parts: string[] }>>;

/** What the classifier made of a text: the category, every category's score, and the words that matched. */
export interface Classification {
  category: ComplaintCategory;
  /** Score per category (rounded), for staff to see why. */
  scores: Partial<Record<ComplaintCategory, number>>;
  /** The model words found in the text. */
  matched: string[];
}

/** Classifies a citizen's Chinese text by weighted keywords (jieba tokens); `other` when nothing scores. */
export function classify(text: string): Classification {
  const seen = new Set(tokens(text));
  const scores: Partial<Record<ComplaintCategory, number>> = {};
  const matched: string[] = [];
  for (const category of PRIORITY as Exclude<ComplaintCategory, 'other'>[]) {
    let score = 0;
    for (const term of TERMS[category]) {
      if (term.parts.length > 0 && term.parts.every((p) => seen.has(p))) {
        score += term.weight;
        matched.push(term.word);
      }
    }
    if (score > 0) scores[category] = Math.round(score * 100) / 100;
  }
  let best: ComplaintCategory = 'other';
  let bestScore = MIN_SCORE - Number.EPSILON;
  for (const category of PRIORITY) {
    const s = scores[category] ?? 0;
    if (s > bestScore) {
      best = category;
      bestScore = s;
    }
  }
  return { category: best, scores, matched: [...new Set(matched)] };
}

/** Whether a string is one of the ledger's complaint categories. */
export const isCategory = (value: string): value is ComplaintCategory =>
  (COMPLAINT_CATEGORIES as readonly string[]).includes(value);
