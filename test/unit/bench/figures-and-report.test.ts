import { describe, expect, it } from 'vitest';
import { figure, median } from '../../../bench/figures.js';
import { functionAssets, importFailure } from '../../../bench/lambda-packages.js';
import { LATEST_RUN_END, LATEST_RUN_START, replaceLatestRun } from '../../../bench/results-markdown.js';

describe('figure', () => {
  it('holds a value to its target', () => {
    expect(figure('render', 'ratio', 1.5, 'x', '<=', 1.5).met).toBe(true);
    expect(figure('render', 'ratio', 1.51, 'x', '<=', 1.5).met).toBe(false);
    expect(figure('studio', 'utilisation', 89.9, '%', '>=', 90).met).toBe(false);
    expect(figure('render', 'spend', 0, 'USD', '==', 0).met).toBe(true);
    expect(figure('render', 'spend', 0.0001, 'USD', '==', 0).met).toBe(false);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('replaceLatestRun', () => {
  it('replaces only the text between the markers', () => {
    const document = `# Benchmarks\nwhy\n${LATEST_RUN_START}\nold\n${LATEST_RUN_END}\nanalysis\n`;
    expect(replaceLatestRun(document, 'new')).toBe(`# Benchmarks\nwhy\n${LATEST_RUN_START}\nnew\n${LATEST_RUN_END}\nanalysis\n`);
    expect(() => replaceLatestRun('# no markers', 'new')).toThrow(/markers/);
  });
});

describe('functionAssets', () => {
  it('maps each Lambda function of a template to its asset directory', () => {
    const template = {
      Resources: {
        PlanFunction1: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': 'asset.abc' } },
        InlineHandler: { Type: 'AWS::Lambda::Function' },
        Table: { Type: 'AWS::DynamoDB::Table', Metadata: { 'aws:asset:path': 'asset.def' } },
      },
    };
    expect(functionAssets(template)).toEqual([{ logicalId: 'PlanFunction1', assetPath: 'asset.abc' }]);
  });
});

describe('importFailure', () => {
  it('keeps the error line of a failed import, cut short', () => {
    const stderr = ['file:///x/index.mjs:1', 'var a=1;'.repeat(100), '', 'TypeError: Cannot read properties of undefined (reading "url")', '    at file:///x/index.mjs:1:2'].join('\n');
    expect(importFailure(stderr)).toBe('TypeError: Cannot read properties of undefined (reading "url")');
    expect(importFailure(`Error: ${'x'.repeat(500)}`)).toHaveLength(203);
  });
});
