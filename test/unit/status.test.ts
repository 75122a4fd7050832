import * as assert from 'assert';
import { FINAL_STATUSES, IN_PROGRESS_STATUSES, isFailure, isFinal, statusLabel } from '../../src/core/status';

suite('core/status', () => {
  test('the known statuses are the union of both APIs', () => {
    assert.deepStrictEqual(
      [...IN_PROGRESS_STATUSES],
      ['initializing', 'queued', 'preparing', 'fetching', 'testing', 'building', 'publishing', 'finishing'],
    );
    assert.deepStrictEqual([...FINAL_STATUSES], ['finished', 'failed', 'canceled', 'timeout', 'skipped', 'warning']);
  });

  for (const status of IN_PROGRESS_STATUSES) {
    test(`${status} is in progress, even with a finishedAt`, () => {
      assert.strictEqual(isFinal({ status }), false);
      assert.strictEqual(isFinal({ status, finishedAt: '2024-01-01T00:00:00Z' }), false);
    });
  }

  for (const status of FINAL_STATUSES) {
    test(`${status} is final, with or without a finishedAt`, () => {
      assert.strictEqual(isFinal({ status }), true);
      assert.strictEqual(isFinal({ status, finishedAt: '2024-01-01T00:00:00Z' }), true);
    });
  }

  test('an unknown status is in progress until finishedAt is set', () => {
    for (const status of ['uploading', 'Finished', '', 'cancelled']) {
      assert.strictEqual(isFinal({ status }), false, JSON.stringify(status));
      assert.strictEqual(isFinal({ status, finishedAt: '' }), false, JSON.stringify(status));
      assert.strictEqual(isFinal({ status, finishedAt: '2024-01-01T00:00:00Z' }), true, JSON.stringify(status));
    }
  });

  test('isFailure: failed, timeout and canceled only', () => {
    const failures = [...FINAL_STATUSES, ...IN_PROGRESS_STATUSES].filter(isFailure);
    assert.deepStrictEqual(failures.sort(), ['canceled', 'failed', 'timeout']);
  });

  test('statusLabel', () => {
    assert.strictEqual(statusLabel('warning'), 'finished with warnings');
    assert.strictEqual(statusLabel('canceled'), 'canceled');
    assert.strictEqual(statusLabel('building'), 'building');
    assert.strictEqual(statusLabel(''), 'unknown');
  });
});
