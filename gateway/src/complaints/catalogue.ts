/**
 * The Open311 services of 罗湖区住建局's complaint line: one per ledger category, with the unit that usually handles it
 * and how many working days that unit gets. Codes are the chaincode's categories (the domain's COMPLAINT_CATEGORIES).
 */
import type { ComplaintCategory } from '@luohu/domain';

/** An Open311 service: a complaint category, its names, the unit that usually handles it and its working days. */
export interface ServiceDefinition {
  code: ComplaintCategory;
  name: string;
  description: string;
  group: string;
  /** The unit (a `dept` code) a dispatcher assigns by default. */
  unit: string;
  /** Working days the unit gets to answer once dispatched (safety and unpaid wages are urgent). */
  workingDays: number;
}

export const SERVICES: readonly ServiceDefinition[] = [
  {
    code: 'noise',
    name: '施工噪音',
    description: '工地夜间或午间施工噪音扰民',
    group: '环境',
    unit: 'urban_management',
    workingDays: 5,
  },
  {
    code: 'dust',
    name: '扬尘污染',
    description: '工地扬尘、裸土未覆盖、未洒水降尘',
    group: '环境',
    unit: 'urban_management',
    workingDays: 5,
  },
  {
    code: 'environment',
    name: '环境污染',
    description: '施工污水、异味、垃圾渣土乱倒',
    group: '环境',
    unit: 'urban_management',
    workingDays: 5,
  },
  {
    code: 'safety',
    name: '安全隐患',
    description: '脚手架、基坑、塔吊、高空坠物等安全隐患',
    group: '安全',
    unit: 'safety_station',
    workingDays: 2,
  },
  {
    code: 'traffic',
    name: '交通占道',
    description: '围挡或车辆占用道路、人行道，造成拥堵',
    group: '交通',
    unit: 'transport',
    workingDays: 5,
  },
  {
    code: 'quality',
    name: '工程质量',
    description: '房屋或设施开裂、渗漏、空鼓等质量问题',
    group: '质量',
    unit: 'quality_station',
    workingDays: 10,
  },
  {
    code: 'wage_arrears',
    name: '拖欠工资',
    description: '拖欠农民工工资（欠薪）',
    group: '劳资',
    unit: 'labour',
    workingDays: 3,
  },
  {
    code: 'other',
    name: '其他',
    description: '其他与在建工程有关的问题',
    group: '其他',
    unit: 'housing',
    workingDays: 5,
  },
];

/** The service of a category (every category has one). */
export const serviceOf = (code: ComplaintCategory): ServiceDefinition => SERVICES.find((s) => s.code === code)!;

export { DISPATCH_WORKING_DAYS } from '@luohu/domain';
