import { breakingChanges, checkCompatibility, versionAllowsBreaking } from './compat';

/** A small document: one GET answering a Thing, one POST taking a CreateThing. */
function doc(edit: (d: ReturnType<typeof baseDoc>) => void = () => undefined, version = '0.2.0') {
  const d = baseDoc(version);
  edit(d);
  return d;
}
function baseDoc(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 't', version },
    paths: {
      '/things/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            '404': { description: 'missing' },
          },
        } as Record<string, unknown>,
      } as Record<string, Record<string, unknown>>,
      '/things': {
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateThing' } } } },
          responses: {
            '201': { description: 'made', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          },
        } as Record<string, unknown>,
      } as Record<string, Record<string, unknown>>,
    },
    components: {
      schemas: {
        Thing: {
          type: 'object',
          properties: { id: { type: 'string' }, priceCents: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
          required: ['id', 'priceCents'],
        },
        CreateThing: {
          type: 'object',
          properties: { name: { type: 'string' }, color: { type: 'string', enum: ['red', 'blue'] }, note: { type: 'string' } },
          required: ['name'],
        },
      } as Record<string, Record<string, unknown> & { properties: Record<string, Record<string, unknown>>; required: string[] }>,
    },
  };
}

describe('breakingChanges', () => {
  it('finds none between identical documents, nor for additions', () => {
    expect(breakingChanges(doc(), doc())).toEqual([]);
    const additive = doc((d) => {
      d.paths['/things/{id}'].delete = { responses: { '204': { description: 'gone' } } };
      d.components.schemas.Thing.properties.color = { type: 'string' };
      d.components.schemas.CreateThing.properties.size = { type: 'integer' };
      d.components.schemas.CreateThing.properties.color.enum = ['red', 'blue', 'green'];
    });
    expect(breakingChanges(doc(), additive)).toEqual([]);
  });

  it.each([
    ['a removed path', (d: ReturnType<typeof baseDoc>) => delete (d.paths as Record<string, unknown>)['/things'], /\/things: path removed/],
    ['a removed operation', (d: ReturnType<typeof baseDoc>) => delete d.paths['/things'].post, /POST \/things: operation removed/],
    [
      'a removed response status',
      (d: ReturnType<typeof baseDoc>) => delete (d.paths['/things/{id}'].get.responses as Record<string, unknown>)['404'],
      /404: response status removed/,
    ],
    [
      'a removed response property',
      (d: ReturnType<typeof baseDoc>) => delete d.components.schemas.Thing.properties.priceCents,
      /200\.priceCents: response property removed/,
    ],
    [
      'a renamed response property',
      (d: ReturnType<typeof baseDoc>) => {
        d.components.schemas.Thing.properties.amountCents = d.components.schemas.Thing.properties.priceCents;
        delete d.components.schemas.Thing.properties.priceCents;
      },
      /priceCents: response property removed/,
    ],
    [
      'a response property made optional',
      (d: ReturnType<typeof baseDoc>) => (d.components.schemas.Thing.required = ['id']),
      /priceCents: response property no longer required/,
    ],
    [
      'a changed response type',
      (d: ReturnType<typeof baseDoc>) => (d.components.schemas.Thing.properties.priceCents.type = 'string'),
      /priceCents: type changed from integer to string/,
    ],
    [
      'a response that may now be null',
      (d: ReturnType<typeof baseDoc>) => (d.components.schemas.Thing.properties.id.type = ['string', 'null']),
      /\.id: type changed/,
    ],
    [
      'a changed array item type',
      (d: ReturnType<typeof baseDoc>) => (d.components.schemas.Thing.properties.tags.items = { type: 'integer' }),
      /tags\[\]: type changed/,
    ],
    [
      'a new required request property',
      (d: ReturnType<typeof baseDoc>) => d.components.schemas.CreateThing.required.push('note'),
      /body\.note: new required request property/,
    ],
    [
      'a narrowed request enum',
      (d: ReturnType<typeof baseDoc>) => (d.components.schemas.CreateThing.properties.color.enum = ['red']),
      /enum narrowed \(no longer accepts "blue"\)/,
    ],
    [
      'a new required parameter',
      (d: ReturnType<typeof baseDoc>) =>
        (d.paths['/things/{id}'].get.parameters as unknown[]).push({ name: 'v', in: 'query', required: true, schema: { type: 'string' } }),
      /parameter query:v: new required parameter/,
    ],
  ])('flags %s', (_name, edit, expected) => {
    const found = breakingChanges(doc(), doc(edit));
    expect(found.join('\n')).toMatch(expected);
  });

  it('lets a request widen its types and a response narrow them', () => {
    const widened = doc((d) => (d.components.schemas.CreateThing.properties.note.type = ['string', 'null']));
    expect(breakingChanges(doc(), widened)).toEqual([]);
    const narrowed = doc((d) => (d.components.schemas.Thing.properties.id.type = ['string', 'null']));
    expect(breakingChanges(narrowed, doc())).toEqual([]);
  });

  it('reads `anyOf: [$ref, null]` as the nullable component it is (a nullable field written without changing the component)', () => {
    const nullableComponent = doc((d) => {
      (d.components.schemas.Thing as Record<string, unknown>).type = ['object', 'null'];
    });
    const nullableField = doc((d) => {
      const created = d.paths['/things'].post as { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
      created.responses['201'].content['application/json'].schema = { anyOf: [{ $ref: '#/components/schemas/Thing' }, { type: 'null' }] };
    });
    expect(breakingChanges(nullableComponent, nullableField)).toEqual([]);
    // Still compared through the union: a property the component loses is found.
    const lost = doc((d) => {
      const created = d.paths['/things'].post as { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
      created.responses['201'].content['application/json'].schema = { anyOf: [{ $ref: '#/components/schemas/Thing' }, { type: 'null' }] };
      delete (d.components.schemas.Thing.properties as Record<string, unknown>).priceCents;
    });
    expect(breakingChanges(doc(), lost).join('\n')).toMatch(/priceCents: response property removed/);
  });
});

describe('versionAllowsBreaking', () => {
  it.each([
    ['1.4.2', '2.0.0', true],
    ['1.4.2', '1.5.0', false],
    ['1.4.2', '1.4.3', false],
    ['0.2.0', '0.3.0', true],
    ['0.2.0', '0.2.1', false],
    ['0.9.0', '1.0.0', true],
    ['1.0.0', '0.2.0', true],
    [undefined, '1.0.0', false],
  ])('%s → %s: %s', (a, b, allowed) => {
    expect(versionAllowsBreaking(a, b)).toBe(allowed);
  });
});

describe('checkCompatibility', () => {
  const broken = (version: string) => doc((d) => delete d.components.schemas.Thing.properties.priceCents, version);
  it('fails a breaking change without a bump, passes it with one', () => {
    expect(checkCompatibility(doc(), broken('0.2.1'))).toMatchObject({
      ok: false,
      breaking: [expect.stringMatching(/priceCents/), expect.stringMatching(/priceCents/)],
    });
    expect(checkCompatibility(doc(), broken('0.3.0')).ok).toBe(true);
    expect(
      checkCompatibility(
        doc(),
        doc(() => undefined, '0.2.0'),
      ),
    ).toEqual({ ok: true, breaking: [], baseVersion: '0.2.0', headVersion: '0.2.0' });
  });
});
