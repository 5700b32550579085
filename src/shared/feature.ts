/**
 * The shape every feature shares: one `activate(context, deps)` in its folder (`src/<feature>/activate.ts`)
 * that registers its commands, views and editors through `deps` and returns what the others and the tests
 * may use of it. features.ts calls each once and wires them together.
 */
import type { Logger } from '../core/util/logger';
import type { Registrations } from '../shell/registrations';
import type { CommandRunner } from './commandRunner';

export interface FeatureDeps {
  /** Registers the feature's commands inside the shared error boundary. */
  commands: CommandRunner;
  log: Logger;
  /** Where views, editors, serializers and content providers are registered (behind activation's stand-ins). */
  registrations: Registrations;
}
