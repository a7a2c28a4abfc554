import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { EvaluationError, Evaluator, rootFrame, type Helper } from './evaluate.js';

const helpers = new Map<string, Helper>([
  ['upper', (args) => String(args[0]).toUpperCase()],
  ['join', (args, hash) => args.join(String(hash.sep ?? ','))],
]);

function ours(template: string, context: Record<string, unknown>): string {
  return new Evaluator(helpers).render(Handlebars.parse(template), rootFrame(context));
}

function handlebars(template: string, context: Record<string, unknown>): string {
  const hb = Handlebars.create();
  hb.registerHelper('upper', (v: unknown) => String(v).toUpperCase());
  hb.registerHelper('join', (...args: unknown[]) => {
    const options = args.pop() as Handlebars.HelperOptions;
    return args.join(String(options.hash.sep ?? ','));
  });
  return hb.compile(template, { noEscape: true })(context);
}

const context = {
  flag: true,
  off: false,
  zero: 0,
  empty: [],
  cols: ['id', 'name', 'amount'],
  map: { a: 1, b: 2 },
  nested: { inner: { value: 'deep' } },
  text: "o'brien",
};

describe('Evaluator', () => {
  it.each([
    'plain text',
    '{{text}} and {{nested.inner.value}}',
    '{{#if flag}}yes{{else}}no{{/if}} {{#if off}}yes{{else}}no{{/if}} {{#if zero}}z{{else}}nz{{/if}} {{#if empty}}e{{else}}ne{{/if}}',
    '{{#unless off}}shown{{/unless}}{{#unless flag}}hidden{{else}}else{{/unless}}',
    'select\n{{#each cols}}  {{this}}{{#unless @last}},{{/unless}}\n{{/each}}from t',
    '{{#each cols as |c i|}}{{i}}:{{c}} {{/each}}',
    '{{#each map}}{{@key}}={{this}};{{/each}}',
    '{{#each empty}}x{{else}}none{{/each}}',
    '{{#with nested.inner}}{{value}}{{/with}}',
    '{{#each cols}}{{../text}}-{{@index}}-{{@first}} {{/each}}',
    '{{upper text}} {{join "a" "b" sep="|"}} {{upper (join "x" "y")}}',
    '{{lookup map "b"}}',
    '  {{#if flag}}\n  standalone lines are stripped\n  {{/if}}\n',
  ])('renders %j as Handlebars does', (template) => {
    const expected = handlebars(template.replace('{{lookup map "b"}}', '{{lookup map "b"}}'), context);
    const withLookup = new Map(helpers).set('lookup', (args) => (args[0] as Record<string, unknown>)[String(args[1])]);
    const actual = new Evaluator(withLookup).render(Handlebars.parse(template), rootFrame(context));
    expect(actual).toBe(expected);
  });

  it('reports an unknown variable at its position', () => {
    try {
      ours('select\n  {{nope}}', context);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EvaluationError);
      expect((e as EvaluationError).message).toBe('"nope" is not defined');
      expect((e as EvaluationError).at).toEqual({ line: 2, col: 5 });
    }
  });

  it('reads missing nested keys as empty instead of failing', () => {
    expect(ours('[{{#if nested.missing.key}}x{{/if}}{{nested.missing}}]', context)).toBe('[]');
  });
});
