/**
 * Course configs by owner, cached so that a burst of pushes reads the config repository once. A push
 * to the config repository's default branch drops the entry (push handler); the TTL bounds staleness
 * when that push was missed (the app not installed on the config repository).
 */
import type { GitHub } from '../github/github-client.js';
import type { StudentRoster } from '../lms/roster-types.js';
import {
  type CourseConfigLoad,
  type CourseLocation,
  courseLocation,
  loadCourseConfig,
} from './config-repository.js';
import type { Roster } from './match-submission.js';
import { githubIds, type RosterRead, readStudentRoster, rosterFiles } from './read-roster.js';

/** A loaded course and where it came from. */
export interface CourseEntry {
  location: CourseLocation;
  loaded: CourseConfigLoad;
}

/** Caches course configs per owner (case-insensitive) for `ttlMs`. */
export class CourseCache {
  readonly #entries = new Map<string, { at: number; entry: Promise<CourseEntry> }>();
  /** Rosters by owner and configured path (`owner\ncourse.roster`). */
  readonly #rosters = new Map<string, { at: number; read: Promise<RosterRead> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The owner's course config, from the cache or the config repository. */
  get(github: GitHub, owner: string, now = Date.now()): Promise<CourseEntry> {
    const key = owner.toLowerCase();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.entry;
    const location = courseLocation(owner, this.env);
    const entry = loadCourseConfig(github, location).then((loaded) => ({ location, loaded }));
    this.#entries.set(key, { at: now, entry });
    // A failed read (network, 5xx) must not stick for the whole TTL.
    entry.catch(() => this.#entries.delete(key));
    return entry;
  }

  /**
   * The owner's roster as login → numeric GitHub id (what identifying a pusher needs), cached like the
   * config; empty when there is none. Reads the file the course config names when the config loads.
   */
  async roster(github: GitHub, owner: string, now = Date.now()): Promise<Roster> {
    const configured = await this.get(github, owner, now).then(
      (entry) => entry.loaded.config?.course.roster,
      () => undefined,
    );
    return githubIds(await this.studentRoster(github, owner, configured, now));
  }

  /**
   * The owner's whole roster (docs/lms.md#roster): `MLGRADE_ROSTER_FILE`, else `configured` (the
   * config's `course.roster`), else the default files. Empty when there is none; rejects with the
   * problems when it has errors.
   */
  async studentRoster(
    github: GitHub,
    owner: string,
    configured?: string,
    now = Date.now(),
  ): Promise<StudentRoster> {
    return (await this.studentRosterRead(github, owner, configured, now)).roster;
  }

  /** {@link studentRoster} with the file's warnings (the legacy format, students no sync can place). */
  studentRosterRead(
    github: GitHub,
    owner: string,
    configured?: string,
    now = Date.now(),
  ): Promise<RosterRead> {
    const key = `${owner.toLowerCase()}\n${configured ?? ''}`;
    const hit = this.#rosters.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.read;
    const { repository } = courseLocation(owner, this.env);
    const read = readStudentRoster(github, owner, repository, rosterFiles(this.env, configured), configured);
    this.#rosters.set(key, { at: now, read });
    // A failed read must not stick for the whole TTL: a fixed roster is read on the next request.
    read.catch(() => this.#rosters.delete(key));
    return read;
  }

  /** True when `repository` (`owner/name`) is the config repository of its owner. */
  isConfigRepository(owner: string, name: string): boolean {
    return courseLocation(owner, this.env).repository.toLowerCase() === name.toLowerCase();
  }

  /** Forgets the owner's config (its config repository changed). */
  invalidate(owner: string): void {
    this.#entries.delete(owner.toLowerCase());
    const prefix = `${owner.toLowerCase()}\n`;
    for (const key of [...this.#rosters.keys()]) if (key.startsWith(prefix)) this.#rosters.delete(key);
  }
}
