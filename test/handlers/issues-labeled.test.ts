/**
 * Sync labels that must not sync: another repository, another label, a label by a non-instructor,
 * an issue naming no assignment, Canvas not configured. GitHub is mocked at its boundary; every
 * case must end with a comment and a visible label state.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  API,
  asserting,
  COURSE_YAML,
  deliver,
  type Harness,
  mockConfig,
  mockToken,
  useAppHarness,
} from '../app/app-harness.js';

const OWNER = 'ml-course';
const ISSUE = 12;

function labelled(
  label: string,
  options: { title?: string; body?: string; by?: string; repo?: string } = {},
) {
  const repo = options.repo ?? '.github';
  return {
    action: 'labeled',
    label: { name: label },
    issue: {
      number: ISSUE,
      title: options.title ?? 'Sync milestone-4',
      body: options.body ?? '',
      labels: [{ name: label }, { name: 'mlgrade: synced' }],
      html_url: `https://github.com/${OWNER}/${repo}/issues/${ISSUE}`,
    },
    repository: { id: 1, name: repo, full_name: `${OWNER}/${repo}`, owner: { login: OWNER } },
    sender: { login: options.by ?? 'prof-lee', id: 77001, type: 'User' },
    installation: { id: 42 },
  };
}

describe('issues.labeled: sync labels', () => {
  const harness = useAppHarness();
  let app: Harness;
  beforeEach(() => {
    app = harness.app();
  });

  function mockPermission(login: string, permission: string) {
    nock(API).get(`/repos/${OWNER}/.github/collaborators/${login}/permission`).reply(200, { permission });
  }

  function mockOutcome(expectBody: (body: string) => void, label: string | undefined, removed: string[]) {
    nock(API)
      .post(
        `/repos/${OWNER}/.github/issues/${ISSUE}/comments`,
        asserting((sent) => expectBody(sent.body)),
      )
      .reply(201, { id: 1 });
    for (const name of removed)
      nock(API)
        .delete(`/repos/${OWNER}/.github/issues/${ISSUE}/labels/${encodeURIComponent(name)}`)
        .reply(200, []);
    if (label)
      nock(API)
        .post(
          `/repos/${OWNER}/.github/issues/${ISSUE}/labels`,
          asserting((sent) => expect(sent).toEqual({ labels: [label] })),
        )
        .reply(200, []);
  }

  it('ignores other labels and sync labels outside the config repository, without a request', async () => {
    await deliver(app, 'issues', labelled('bug'));
    await deliver(app, 'issues', labelled('mlgrade: sync canvas', { repo: 'm4-alice' }));
  });

  it('removes a label a non-instructor added, says so once, and sends nothing', async () => {
    mockToken();
    mockPermission('alice', 'triage');
    nock(API)
      .post(
        `/repos/${OWNER}/.github/issues/${ISSUE}/comments`,
        asserting((sent) => expect(sent.body).toContain('only instructors')),
      )
      .reply(201, { id: 1 });
    nock(API)
      .delete(`/repos/${OWNER}/.github/issues/${ISSUE}/labels/${encodeURIComponent('mlgrade: sync canvas')}`)
      .reply(200, []);
    await deliver(app, 'issues', labelled('mlgrade: sync canvas', { by: 'alice' }));
  });

  it('fails visibly when the issue names no assignment', async () => {
    mockToken();
    mockPermission('prof-lee', 'admin');
    mockConfig();
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.csv`).reply(404, {});
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.yml`).reply(404, {});
    mockOutcome(
      (body) =>
        expect(body).toMatch(/^\*\*Sync failed\.\*\* The issue names no assignment\. .*`milestone-4`/),
      'mlgrade: sync failed',
      ['mlgrade: sync canvas', 'mlgrade: synced'],
    );
    await deliver(app, 'issues', labelled('mlgrade: sync canvas', { title: 'End of term grades' }));
  });

  it('fails visibly when Canvas ids or the Canvas token are missing', async () => {
    mockToken();
    mockPermission('prof-lee', 'admin');
    mockConfig();
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.csv`).reply(404, {});
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.yml`).reply(404, {});
    mockOutcome(
      (body) =>
        expect(body).toContain(
          'No Canvas assignment is configured for `milestone-4`: set `lms.canvas.assignment_id`',
        ),
      'mlgrade: sync failed',
      ['mlgrade: sync canvas', 'mlgrade: synced'],
    );
    await deliver(app, 'issues', labelled('mlgrade: sync canvas'));

    const config = parse(COURSE_YAML);
    config.course.lms = { canvas: { course_id: '101' } };
    config.assignments.find((a: { id: string }) => a.id === 'milestone-4').lms = {
      canvas: { assignment_id: '202' },
    };
    app.deps.courses.invalidate(OWNER);
    mockPermission('prof-lee', 'admin');
    mockConfig(stringify(config));
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.csv`).reply(404, {});
    nock(API).get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.yml`).reply(404, {});
    mockOutcome(
      (body) => expect(body).toContain('Canvas sync needs CANVAS_URL and CANVAS_TOKEN'),
      'mlgrade: sync failed',
      ['mlgrade: sync canvas', 'mlgrade: synced'],
    );
    await deliver(app, 'issues', labelled('mlgrade: sync canvas'));
  });

  it('answers an invalid roster with its problems and lines', async () => {
    mockToken();
    mockPermission('prof-lee', 'admin');
    mockConfig();
    nock(API)
      .get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.csv`)
      .reply(200, 'login,canvas_id\nada,1\nADA,2\n', { 'content-type': 'application/vnd.github.raw' });
    mockOutcome(
      (body) => {
        expect(body).toContain('invalid roster ml-course/.github/.github/mlgrade-roster.csv');
        expect(body).toMatch(/mlgrade-roster\.csv:3/);
      },
      'mlgrade: sync failed',
      ['mlgrade: sync gradescope', 'mlgrade: synced'],
    );
    await deliver(app, 'issues', labelled('mlgrade: sync gradescope'));
  });
});
