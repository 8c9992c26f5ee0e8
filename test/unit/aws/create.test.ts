// createOrAdopt: after an outcome-unknown failure the step looks before it creates again; an
// "already exists" answer is adopted when find says it is ours; every other error is the step's.
import { describe, expect, it, vi } from 'vitest';
import { createOrAdopt, isAlreadyExists } from '../../../src/aws/create.js';

const lost = () => Object.assign(new Error('Internal failure'), { name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const exists = () => Object.assign(new Error('Role with name r already exists.'), { name: 'EntityAlreadyExistsException', $metadata: { httpStatusCode: 409 } });
const invalid = () => Object.assign(new Error('bad'), { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });

describe('createOrAdopt', () => {
  it('a lost answer whose create ran: adopted, never created twice', async () => {
    const create = vi.fn().mockRejectedValueOnce(lost()).mockResolvedValue('second');
    const find = vi.fn().mockResolvedValue('first');
    const notes: string[] = [];
    expect(await createOrAdopt({ what: 'user pool p', create, find, note: (m) => notes.push(m), settleMs: 0 })).toEqual({ value: 'first', adopted: true });
    expect(create).toHaveBeenCalledTimes(1);
    expect(notes.join('\n')).toMatch(/lost.*looking for it[\s\S]*created after all/);
  });

  it('a reset whose create did not run: looked for twice, then created again', async () => {
    const create = vi.fn().mockRejectedValueOnce(reset()).mockResolvedValue('made');
    const find = vi.fn().mockResolvedValue(undefined);
    expect(await createOrAdopt({ what: 'x', create, find, settleMs: 0 })).toEqual({ value: 'made', adopted: false });
    expect(create).toHaveBeenCalledTimes(2);
    expect(find).toHaveBeenCalledTimes(2);
  });

  it('a second create that meets "already exists" (the first ran, the read lagged): adopted', async () => {
    const create = vi.fn().mockRejectedValueOnce(lost()).mockRejectedValueOnce(exists());
    const find = vi.fn().mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined).mockResolvedValue('it');
    expect(await createOrAdopt({ what: 'x', create, find, settleMs: 0 })).toEqual({ value: 'it', adopted: true });
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('gives up after the attempts, with the last error', async () => {
    const create = vi.fn().mockRejectedValue(lost());
    const find = vi.fn().mockResolvedValue(undefined);
    await expect(createOrAdopt({ what: 'x', create, find, settleMs: 0, attempts: 2 })).rejects.toMatchObject({ name: 'InternalErrorException' });
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('"already exists" that find does not call ours is rethrown', async () => {
    const create = vi.fn().mockRejectedValue(exists());
    const find = vi.fn().mockResolvedValue(undefined);
    await expect(createOrAdopt({ what: 'x', create, find, settleMs: 0 })).rejects.toMatchObject({ name: 'EntityAlreadyExistsException' });
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('a conflict thrown by find (someone else owns the name) stops it', async () => {
    const create = vi.fn().mockRejectedValue(exists());
    const find = vi.fn().mockRejectedValue(new Error('not ours'));
    await expect(createOrAdopt({ what: 'x', create, find, settleMs: 0 })).rejects.toThrow('not ours');
  });

  it('an answered error (validation) is rethrown without a look', async () => {
    const create = vi.fn().mockRejectedValue(invalid());
    const find = vi.fn();
    await expect(createOrAdopt({ what: 'x', create, find })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(find).not.toHaveBeenCalled();
  });

  it('knows the "already exists" answers of the creates it guards', () => {
    expect(isAlreadyExists(exists())).toBe(true);
    expect(isAlreadyExists(Object.assign(new Error('The statement id (s) provided already exists. Please provide a new statement id, or remove the existing statement.'), { name: 'ResourceConflictException' }))).toBe(true);
    expect(isAlreadyExists(Object.assign(new Error('User account already exists'), { name: 'UsernameExistsException' }))).toBe(true);
    expect(isAlreadyExists(Object.assign(new Error('Function already exist: f'), { name: 'ResourceConflictException' }))).toBe(true);
    expect(isAlreadyExists(invalid())).toBe(false);
  });
});
