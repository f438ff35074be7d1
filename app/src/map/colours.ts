import type { ProjectType } from '@luohu/domain';

/** A project's marker colour by its type: dark enough for white text and a white ring (≥ 4.5:1). */
export const TYPE_COLOURS: Record<ProjectType, string> = {
  building: '#0958d9',
  road: '#531dab',
  bridge: '#08979c',
  water: '#006d75',
  drainage: '#1d39c4',
  landscape: '#237804',
  renovation: '#ad4e00',
};
