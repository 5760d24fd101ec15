/**
 * Course configs by owner, cached so that a burst of pushes reads the config repository once. A push
 * to the config repository's default branch drops the entry (push handler); the TTL bounds staleness
 * when that push was missed (the app not installed on the config repository).
 */
import type { LoadedConfig } from '../config/load-config.js';
import type { GitHub } from '../github/github-client.js';
import { type CourseLocation, courseLocation, loadCourseConfig } from './config-repository.js';
import type { Roster } from './match-submission.js';
import { readRoster, rosterFile } from './read-roster.js';

/** A loaded course and where it came from. */
export interface CourseEntry {
  location: CourseLocation;
  loaded: LoadedConfig;
}

/** Caches course configs per owner (case-insensitive) for `ttlMs`. */
export class CourseCache {
  readonly #entries = new Map<string, { at: number; entry: Promise<CourseEntry> }>();
  readonly #rosters = new Map<string, { at: number; roster: Promise<Roster> }>();

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

  /** The owner's roster (login → numeric id), cached like the config; empty when there is none. */
  roster(github: GitHub, owner: string, now = Date.now()): Promise<Roster> {
    const key = owner.toLowerCase();
    const hit = this.#rosters.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.roster;
    const { repository } = courseLocation(owner, this.env);
    const roster = readRoster(github, owner, repository, rosterFile(this.env));
    this.#rosters.set(key, { at: now, roster });
    roster.catch(() => this.#rosters.delete(key));
    return roster;
  }

  /** True when `repository` (`owner/name`) is the config repository of its owner. */
  isConfigRepository(owner: string, name: string): boolean {
    return courseLocation(owner, this.env).repository.toLowerCase() === name.toLowerCase();
  }

  /** Forgets the owner's config (its config repository changed). */
  invalidate(owner: string): void {
    this.#entries.delete(owner.toLowerCase());
    this.#rosters.delete(owner.toLowerCase());
  }
}
