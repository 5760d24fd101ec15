import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CourseCache } from '../../src/course/course-cache.js';
import { identifyStudent } from '../../src/course/match-submission.js';
import { RosterError, readRoster, readStudentRoster, rosterFiles } from '../../src/course/read-roster.js';

const API = 'https://api.github.com';
const CSV_PATH = '/repos/ml-course/.github/contents/.github%2Fmlgrade-roster.csv';
const YML_PATH = '/repos/ml-course/.github/contents/.github%2Fmlgrade-roster.yml';
const RAW = { 'content-type': 'application/vnd.github.raw' };
const DEFAULTS = ['.github/mlgrade-roster.csv', '.github/mlgrade-roster.yml'];

/** The example course, with `course.roster` set. */
function courseWithRoster(roster: string): string {
  const config = parse(readFileSync(new URL('../../examples/course/mlgrade.yml', import.meta.url), 'utf8'));
  config.course.roster = roster;
  return stringify(config);
}

const github = () => new Octokit({ auth: 'test-token' });

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('rosterFiles', () => {
  it('is MLGRADE_ROSTER_FILE, else the configured path, else the CSV then the legacy YAML', () => {
    expect(rosterFiles({ MLGRADE_ROSTER_FILE: 'people.csv' }, 'rosters/fall.csv')).toEqual(['people.csv']);
    expect(rosterFiles({}, 'rosters/fall.csv')).toEqual(['rosters/fall.csv']);
    expect(rosterFiles({})).toEqual(DEFAULTS);
  });
});

describe('readStudentRoster', () => {
  it('reads the CSV with a BOM and CRLF through the raw contents API', async () => {
    nock(API)
      .get(CSV_PATH)
      .reply(200, '\uFEFFlogin,github_id,canvas_id,email\r\nalice,583231,1042,alice@uni.edu\r\n', RAW);
    const { roster, warnings } = await readStudentRoster(github(), 'ml-course', '.github', DEFAULTS);
    expect(warnings).toEqual([]);
    expect(roster.file).toBe('.github/mlgrade-roster.csv');
    expect(roster.byLogin.get('alice')).toEqual({
      login: 'alice',
      githubId: 583231,
      canvasUserId: '1042',
      gradescopeEmail: 'alice@uni.edu',
      line: 2,
    });
  });

  it('falls back from a missing CSV to the legacy YAML, with its warning', async () => {
    nock(API).get(CSV_PATH).reply(404, { message: 'Not Found' });
    nock(API).get(YML_PATH).reply(200, 'alice: 583231\nbob: 4412907\n', RAW);
    const { roster, warnings } = await readStudentRoster(github(), 'ml-course', '.github', DEFAULTS);
    expect(roster.entries).toEqual([
      { login: 'alice', githubId: 583231, line: 1 },
      { login: 'bob', githubId: 4412907, line: 2 },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /^this is the old roster format \(login: GitHub id\); it still works/,
    );
  });

  it('is empty when neither file exists', async () => {
    nock(API).get(CSV_PATH).reply(404, { message: 'Not Found' });
    nock(API).get(YML_PATH).reply(404, { message: 'Not Found' });
    const { roster, warnings } = await readStudentRoster(github(), 'ml-course', '.github', DEFAULTS);
    expect(roster).toEqual({ file: '.github/mlgrade-roster.csv', entries: [], byLogin: new Map() });
    expect(warnings).toEqual([]);
  });

  it('throws the errors of a malformed roster as file:line  message lines', async () => {
    nock(API).get(CSV_PATH).reply(200, 'login,github_id\nalice,583231\nbob,x\nALICE,7\n', RAW);
    const read = readStudentRoster(github(), 'ml-course', '.github', DEFAULTS);
    await expect(read).rejects.toBeInstanceOf(RosterError);
    await expect(read).rejects.toThrow(
      [
        'invalid roster ml-course/.github/.github/mlgrade-roster.csv (2 errors; check it with mlgrade validate):',
        '.github/mlgrade-roster.csv:3:5  the GitHub id must be the account\'s number (a positive whole number, from https://api.github.com/users/LOGIN), not "x"',
        '.github/mlgrade-roster.csv:4:1  duplicate login "ALICE": also on line 2; each student has one row, so remove or merge one of lines 2 and 4',
      ].join('\n'),
    );
  });

  it('reads the roster the config names, and says so when it is missing', async () => {
    const files = rosterFiles({}, 'rosters/fall.yaml');
    nock(API)
      .get('/repos/ml-course/.github/contents/rosters%2Ffall.yaml')
      .reply(200, '- login: alice\n  sis_id: S-001\n', RAW);
    const { roster } = await readStudentRoster(github(), 'ml-course', '.github', files, 'rosters/fall.yaml');
    expect(roster.entries).toEqual([{ login: 'alice', sisId: 'S-001', line: 1 }]);

    nock(API)
      .get('/repos/ml-course/.github/contents/rosters%2Ffall.yaml')
      .reply(404, { message: 'Not Found' });
    await expect(
      readStudentRoster(github(), 'ml-course', '.github', files, 'rosters/fall.yaml'),
    ).rejects.toThrow(
      'course.roster names rosters/fall.yaml, which is not in ml-course/.github (default branch); add it or fix course.roster',
    );
  });

  it('passes other failures on', async () => {
    nock(API).get(CSV_PATH).reply(500, { message: 'boom' });
    await expect(readStudentRoster(github(), 'ml-course', '.github', DEFAULTS)).rejects.toMatchObject({
      status: 500,
    });
  });
});

describe('readRoster and CourseCache.roster: what identifying a pusher needs', () => {
  it('maps logins to GitHub ids, leaving out rows without one', async () => {
    nock(API).get(CSV_PATH).reply(200, 'login,github_id,sis_id\nAlice,583231,S1\nbob,,S2\n', RAW);
    const roster = await readRoster(github(), 'ml-course', '.github', DEFAULTS);
    expect([...roster]).toEqual([['alice', 583231]]);
    expect(identifyStudent('alice', { login: 'prof-lee', id: 77001 }, roster)).toEqual({
      studentId: 583231,
      studentLogin: 'alice',
    });
    expect(identifyStudent('bob', { login: 'prof-lee', id: 77001 }, roster)).toEqual({
      studentId: null,
      studentLogin: 'bob',
    });
  });

  it('caches the roster per owner until invalidated, reading the file course.roster names', async () => {
    const cache = new CourseCache(60_000, {});
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade.yml')
      .reply(200, courseWithRoster('people/roster.csv'), RAW);
    nock(API)
      .get('/repos/ml-course/.github/contents/people%2Froster.csv')
      .reply(200, 'login,github_id\nalice,583231\n', RAW);
    expect([...(await cache.roster(github(), 'ml-course', 1000))]).toEqual([['alice', 583231]]);
    // A cache hit: no request (nock would refuse one).
    expect((await cache.studentRoster(github(), 'ML-Course', 'people/roster.csv', 2000)).entries).toEqual([
      { login: 'alice', githubId: 583231, line: 2 },
    ]);
    cache.invalidate('ml-course');
    nock(API).get(CSV_PATH).reply(404, { message: 'Not Found' });
    nock(API).get(YML_PATH).reply(200, 'bob: 4412907\n', RAW);
    expect((await cache.studentRoster(github(), 'ml-course', undefined, 3000)).entries).toEqual([
      { login: 'bob', githubId: 4412907, line: 1 },
    ]);
  });

  it('does not keep a failed read', async () => {
    const cache = new CourseCache(60_000, { MLGRADE_ROSTER_FILE: 'roster.csv' });
    const path = '/repos/ml-course/.github/contents/roster.csv';
    nock(API).get(path).reply(200, 'login,github_id\nalice,1\nalice,2\n', RAW);
    await expect(cache.studentRoster(github(), 'ml-course', undefined, 1000)).rejects.toThrow(
      /duplicate login "alice"/,
    );
    nock(API).get(path).reply(200, 'login,github_id\nalice,1\n', RAW);
    expect((await cache.studentRoster(github(), 'ml-course', undefined, 2000)).entries).toEqual([
      { login: 'alice', githubId: 1, line: 2 },
    ]);
  });
});
