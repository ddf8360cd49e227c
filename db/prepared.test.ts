import { StatementNames } from './prepared';

describe('StatementNames', () => {
  it('names a text from its second use on, with a stable short name', () => {
    const names = new StatementNames();
    expect(names.nameFor('select $1', 1)).toBeUndefined();
    const name = names.nameFor('select $1', 1);
    expect(name).toMatch(/^k[\w-]{20}$/);
    expect(names.nameFor('select $1', 1)).toBe(name);
    expect(new StatementNames().nameFor('select $2', 1)).toBeUndefined();
  });

  it('stops naming new texts at the cap', () => {
    const names = new StatementNames({ maxStatements: 2 });
    const twice = (text: string) => (names.nameFor(text, 1), names.nameFor(text, 1));
    expect(twice('select 1 + $1')).toBeDefined();
    expect(twice('select 2 + $1')).toBeDefined();
    expect(twice('select 3 + $1')).toBeUndefined();
    expect(names.size).toBe(2);
    expect(names.nameFor('select 1 + $1', 1)).toBeDefined();
  });

  it('leaves long texts, many parameters, transaction control and multi-statement texts unnamed', () => {
    const names = new StatementNames({ maxTextLength: 50, maxParameters: 3 });
    const twice = (text: string, parameters = 1) => (names.nameFor(text, parameters), names.nameFor(text, parameters));
    expect(twice(`select ${'1'.repeat(60)}`)).toBeUndefined();
    expect(twice('select $1, $2, $3, $4', 4)).toBeUndefined();
    for (const text of ['begin', 'commit', 'rollback', 'start transaction isolation level serializable', 'savepoint a']) {
      expect(twice(text, 0)).toBeUndefined();
    }
    expect(twice('create table a (); drop table a', 0)).toBeUndefined();
    expect(twice('select now()', 0)).toBeDefined();
    expect(twice('select $1 /* plan each time */')).toBeUndefined();
  });
});
