import { describe, expect, it } from 'vitest';
import { EvaluationService } from '../../../src/evaluation/evaluation-service.js';
import { type LiveFlagSet, LiveFlags } from '../../../src/evaluation/live-flags.js';
import type {
  EvaluatedToggle,
  EvaluationContext,
  Evaluator,
} from '../../../src/evaluation/types.js';
import { createSnapshot } from '../../../src/unleash/snapshot.js';

const toggle = (name: string): EvaluatedToggle => ({
  name,
  enabled: true,
  variant: { name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true },
  impressionData: false,
});

/** Answers one flag named after the set and the user; refuses the user `bad`. */
class RecordingEvaluator implements Evaluator {
  readonly batches: string[][] = [];
  constructor(private readonly set: string) {}
  evaluate(context: EvaluationContext, names?: readonly string[]): EvaluatedToggle[] {
    if (context.userId === 'bad') throw new Error('cannot evaluate');
    return (names ?? [`${this.set}-${context.userId}`]).map(toggle);
  }
  evaluateMany(contexts: readonly EvaluationContext[]): EvaluatedToggle[][] {
    this.batches.push(contexts.map((context) => context.userId ?? ''));
    return contexts.map((context) => this.evaluate(context));
  }
}

function flagSet(evaluator: Evaluator): LiveFlagSet {
  const flags = new LiveFlags(() => evaluator);
  flags.update(createSnapshot(1, [], []));
  return flags.current() as LiveFlagSet;
}

const names = (toggles: EvaluatedToggle[]) => toggles.map((t) => t.name);

describe('EvaluationService', () => {
  it('evaluates the requests of one turn together, each flag set on its own', async () => {
    const service = new EvaluationService();
    const a = new RecordingEvaluator('a');
    const b = new RecordingEvaluator('b');
    const [setA, setB] = [flagSet(a), flagSet(b)];
    const answers = await Promise.all([
      service.evaluate(setA, { userId: '1', properties: {} }),
      service.evaluate(setB, { userId: '2', properties: {} }),
      service.evaluate(setA, { userId: '3', properties: {} }),
    ]);
    expect(answers.map(names)).toEqual([['a-1'], ['b-2'], ['a-3']]);
    expect(a.batches).toEqual([['1', '3']]);
    expect(b.batches).toEqual([['2']]);
    // The next turn is a batch of its own.
    expect(names(await service.evaluate(setA, { userId: '4', properties: {} }))).toEqual(['a-4']);
    expect(a.batches).toEqual([['1', '3'], ['4']]);
  });

  it('refuses only the request its evaluator throws for', async () => {
    const service = new EvaluationService();
    const set = flagSet(new RecordingEvaluator('a'));
    const users = ['x', 'bad', 'y'];
    const answers = await Promise.allSettled(
      users.map((userId) => service.evaluate(set, { userId, properties: {} })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(answers[0]?.status === 'fulfilled' && names(answers[0].value)).toEqual(['a-x']);
    expect(answers[2]?.status === 'fulfilled' && names(answers[2].value)).toEqual(['a-y']);
  });

  it('evaluates a request for named flags at once, outside the batch', async () => {
    const service = new EvaluationService();
    const evaluator = new RecordingEvaluator('a');
    const answer = await service.evaluate(flagSet(evaluator), { properties: {} }, ['f', 'g']);
    expect(names(answer)).toEqual(['f', 'g']);
    expect(evaluator.batches).toEqual([]);
  });
});
