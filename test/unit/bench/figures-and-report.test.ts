import { describe, expect, it } from 'vitest';
import { figure, median } from '../../../bench/figures.js';
import { functionAssets, importFailure, runtimeNodeMajor } from '../../../bench/lambda-packages.js';
import {
  LATEST_RUN_END,
  LATEST_RUN_START,
  replaceLatestRun,
  resultsMarkdown,
} from '../../../bench/results-markdown.js';

describe('figure', () => {
  it('holds a value to its target', () => {
    // Act
    const atMost = figure('render', 'ratio', 1.5, 'x', '<=', 1.5);
    const overMost = figure('render', 'ratio', 1.51, 'x', '<=', 1.5);
    const underLeast = figure('studio', 'utilisation', 89.9, '%', '>=', 90);
    const equal = figure('render', 'spend', 0, 'USD', '==', 0);
    const unequal = figure('render', 'spend', 0.0001, 'USD', '==', 0);

    // Assess
    expect(atMost.met).toBe(true);
    expect(overMost.met).toBe(false);
    expect(underLeast.met).toBe(false);
    expect(equal.met).toBe(true);
    expect(unequal.met).toBe(false);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    // Act
    const odd = median([30, 10, 20]);
    const even = median([4, 1, 3, 2]);
    const empty = () => median([]);

    // Assess
    expect(odd).toBe(20);
    expect(even).toBe(2.5);
    expect(empty).toThrow(RangeError);
  });
});

describe('replaceLatestRun', () => {
  it('replaces only the text between the markers', () => {
    // Prepare
    const document = `# Benchmarks\nwhy\n${LATEST_RUN_START}\nold\n${LATEST_RUN_END}\nanalysis\n`;

    // Act
    const replaced = replaceLatestRun(document, 'new');
    const withoutMarkers = () => replaceLatestRun('# no markers', 'new');

    // Assess
    expect(replaced).toBe(`# Benchmarks\nwhy\n${LATEST_RUN_START}\nnew\n${LATEST_RUN_END}\nanalysis\n`);
    expect(withoutMarkers).toThrow(/markers/);
  });
});

describe('resultsMarkdown', () => {
  const machine = {
    node: 'v20.20.2',
    nproc: 2,
    cpuModel: 'AMD EPYC',
    memory: 'Mem: 23Gi',
    ffmpeg: 'ffmpeg 7',
    platform: 'Linux x64',
  };

  it('names the machine of a section a later partial run measured elsewhere, and only then', () => {
    // Prepare
    const results = {
      ranAt: '2026-11-22T13:50:00.000Z',
      machine,
      figures: [],
      sectionsRanAt: { cost: '2026-11-22T14:00:00.000Z', cli: '2026-12-01T21:00:00.000Z' },
      sectionMachines: { cost: { ...machine, memory: 'Mem: 22Gi' }, cli: { ...machine, cpuModel: 'Intel Xeon' } },
    };

    // Act
    const markdown = resultsMarkdown(results);

    // Assess
    const headline = markdown.split('\n')[0];
    expect(headline).toContain(
      'cost at 2026-11-22T14:00:00.000Z, cli at 2026-12-01T21:00:00.000Z on Intel Xeon, 2 cores, Node v20.20.2, Linux x64) on AMD EPYC',
    );
  });
});

describe('functionAssets', () => {
  it('maps each Lambda function of a template to its asset directory', () => {
    // Prepare
    const template = {
      Resources: {
        PlanFunction1: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': 'asset.abc' } },
        InlineHandler: { Type: 'AWS::Lambda::Function' },
        Table: { Type: 'AWS::DynamoDB::Table', Metadata: { 'aws:asset:path': 'asset.def' } },
      },
    };

    // Act
    const assets = functionAssets(template);

    // Assess
    expect(assets).toEqual([{ logicalId: 'PlanFunction1', assetPath: 'asset.abc' }]);
  });
});

describe('runtimeNodeMajor', () => {
  it("reads the Node.js major of a Lambda runtime, so init is measured on the function's own Node", () => {
    // Act
    const majors = ['nodejs24.x', 'nodejs22.x', 'python3.12', undefined].map(runtimeNodeMajor);

    // Assess
    expect(majors).toEqual([24, 22, undefined, undefined]);
  });
});

describe('importFailure', () => {
  it('keeps the error line of a failed import, cut short', () => {
    // Prepare
    const stderr = [
      'file:///x/index.mjs:1',
      'var a=1;'.repeat(100),
      '',
      'TypeError: Cannot read properties of undefined (reading "url")',
      '    at file:///x/index.mjs:1:2',
    ].join('\n');
    const longStderr = `Error: ${'x'.repeat(500)}`;

    // Act
    const failure = importFailure(stderr);
    const longFailure = importFailure(longStderr);

    // Assess
    expect(failure).toBe('TypeError: Cannot read properties of undefined (reading "url")');
    expect(longFailure).toHaveLength(203);
  });
});
