import { expect } from 'chai';
import { classify } from '../../src/complaints/classifier';
import { coarseLocation } from '../../src/complaints/location';

describe('complaints: classification of Chinese text and coarse locations', () => {
  const cases: Array<[string, string]> = [
    ['工地晚上十一点还在打桩，噪音很大，严重扰民', 'noise'],
    ['凌晨两点电钻声音吵得没法睡觉', 'noise'],
    ['工地扬尘严重，裸土没有覆盖，也不洒水降尘', 'dust'],
    ['施工污水直接排进河道，异味很重', 'environment'],
    ['脚手架没有防护网，存在安全隐患，随时可能坠落', 'safety'],
    ['施工围挡占道，人行道被占用，交通拥堵', 'traffic'],
    ['新房墙体开裂漏水，怀疑偷工减料，质量有问题', 'quality'],
    ['包工头拖欠农民工工资三个月，讨薪无门', 'wage_arrears'],
    ['请问这个项目什么时候完工', 'other'],
  ];
  for (const [text, category] of cases) {
    it(`when a citizen writes "${text}", then it is classified as ${category}`, () => {
      expect(classify(text).category).to.equal(category);
    });
  }

  it('when the same text is classified twice, then the result is identical (deterministic, with the matched words)', () => {
    const a = classify('塔吊下面没有安全帽的工人，太危险了');
    expect(a).to.deep.equal(classify('塔吊下面没有安全帽的工人，太危险了'));
    expect(a.category).to.equal('safety');
    expect(a.matched).to.include.members(['塔吊', '危险']);
  });

  it('when a text mentions two problems, then the one with more weight wins (noise beats a passing mention of a road)', () => {
    expect(classify('夜间施工噪音扰民，就在马路边').category).to.equal('noise');
  });

  it('when an address carries numbers, then only the district/street/community names reach the ledger', () => {
    expect(coarseLocation('深圳市罗湖区东门街道解放路123号')).to.equal('深圳市罗湖区 东门街道');
    expect(coarseLocation('罗湖区翠竹街道翠锦社区翠竹小区5栋')).to.equal('罗湖区 翠竹街道 翠锦社区');
    expect(coarseLocation('人民南路2号，电话13800138000')).to.equal('罗湖区');
    expect(coarseLocation(undefined)).to.not.match(/\d/);
  });
});
