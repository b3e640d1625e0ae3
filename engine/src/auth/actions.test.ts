import { describe, expect, it } from 'vitest';
import { ACTIONS, actionAllows, isAction, isGlobalAction } from './actions.ts';

describe('ACTIONS', () => {
  it('lists every action of Meilisearch in its declaration order', () => {
    expect(ACTIONS.length).toBe(58);
    expect(ACTIONS.slice(0, 3)).toEqual(['*', 'search', 'documents.*']);
    expect(ACTIONS.slice(-6)).toEqual([
      'tasks.compact',
      'dynamicSearchRules.get',
      'dynamicSearchRules.create',
      'dynamicSearchRules.update',
      'dynamicSearchRules.delete',
      'dynamicSearchRules.*',
    ]);
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
  });

  it('recognizes actions, not look-alikes', () => {
    expect(isAction('*.get')).toBe(true);
    expect(isAction('chatCompletions')).toBe(true);
    expect(isAction('keys.*')).toBe(false);
    expect(isAction('experimental.*')).toBe(false);
    expect(isAction('Search')).toBe(false);
    expect(isAction('constructor')).toBe(false);
  });
});

describe('actionAllows', () => {
  it('grants an exact action', () => {
    expect(actionAllows(['documents.add'], 'documents.add')).toBe(true);
    expect(actionAllows(['documents.add'], 'documents.get')).toBe(false);
    expect(actionAllows([], 'search')).toBe(false);
  });

  it('grants everything with *, keys included', () => {
    for (const action of ['search', 'keys.create', 'keys.get', 'dumps.create', 'chatCompletions', 'tasks.compact']) {
      expect(actionAllows(['*'], action)).toBe(true);
    }
  });

  it('expands family wildcards to their members only', () => {
    expect(actionAllows(['documents.*'], 'documents.delete')).toBe(true);
    expect(actionAllows(['documents.*'], 'search')).toBe(false);
    expect(actionAllows(['indexes.*'], 'indexes.swap')).toBe(true);
    expect(actionAllows(['indexes.*'], 'indexes.compact')).toBe(true);
    expect(actionAllows(['tasks.*'], 'tasks.compact')).toBe(true);
    expect(actionAllows(['tasks.*'], 'tasks.cancel')).toBe(true);
    expect(actionAllows(['settings.*'], 'settings.update')).toBe(true);
    expect(actionAllows(['settings.*'], 'stats.get')).toBe(false);
    expect(actionAllows(['webhooks.*'], 'webhooks.create')).toBe(true);
    expect(actionAllows(['dynamicSearchRules.*'], 'dynamicSearchRules.delete')).toBe(true);
    expect(actionAllows(['chats.*'], 'chatCompletions')).toBe(false);
    expect(actionAllows(['chatsSettings.*'], 'chatsSettings.update')).toBe(true);
    expect(actionAllows(['dumps.*'], 'dumps.create')).toBe(true);
    expect(actionAllows(['snapshots.*'], 'snapshots.create')).toBe(true);
    expect(actionAllows(['metrics.*'], 'metrics.get')).toBe(true);
    expect(actionAllows(['stats.*'], 'stats.get')).toBe(true);
  });

  it('grants read actions with *.get, but not keys.get, chatCompletions or writes', () => {
    for (const action of ['search', 'documents.get', 'indexes.get', 'tasks.get', 'settings.get', 'stats.get', 'version', 'metrics.get', 'export', 'webhooks.get', 'dynamicSearchRules.get', 'network.get', 'experimental.get', 'chats.get', 'chatsSettings.get']) {
      expect(actionAllows(['*.get'], action), action).toBe(true);
    }
    for (const action of ['keys.get', 'chatCompletions', 'documents.add', 'settings.update', 'dumps.create', 'fields.post', 'tasks.compact']) {
      expect(actionAllows(['*.get'], action), action).toBe(false);
    }
  });

  it('lets the default read-only admin key read keys through its explicit keys.get', () => {
    expect(actionAllows(['*.get', 'keys.get'], 'keys.get')).toBe(true);
    expect(actionAllows(['*.get', 'keys.get'], 'keys.create')).toBe(false);
  });

  it('is not fooled by prototype names', () => {
    expect(actionAllows(['constructor', '__proto__'], 'search')).toBe(false);
  });
});

describe('isGlobalAction', () => {
  it('marks instance-wide actions', () => {
    for (const action of ['version', 'dumps.create', 'dumps.*', 'snapshots.create', 'metrics.get', 'keys.create', 'keys.get', 'experimental.update', 'network.get', 'tasks.compact', 'export', 'webhooks.get', 'dynamicSearchRules.*']) {
      expect(isGlobalAction(action), action).toBe(true);
    }
  });

  it('leaves index-scoped actions and the broad wildcards alone', () => {
    for (const action of ['*', '*.get', 'search', 'documents.*', 'indexes.swap', 'indexes.create', 'tasks.*', 'tasks.get', 'stats.get', 'settings.*', 'chatCompletions', 'fields.post', 'indexes.compact']) {
      expect(isGlobalAction(action), action).toBe(false);
    }
  });
});
