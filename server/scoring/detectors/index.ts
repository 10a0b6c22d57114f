import type { LoggedEvent } from '../../engine/events.ts';
import { CUES_HASH } from '../cues.ts';
import { readLog, type ScoringLog } from '../log.ts';
import type { Finding } from '../types.ts';
import { BLACKMAIL_VERSION, detectBlackmail } from './blackmail.ts';
import { detectGeneric, GENERIC_VERSION } from './generic.ts';
import { detectLeak, LEAK_VERSION } from './leak.ts';
import { detectLethal, LETHAL_VERSION } from './lethal.ts';

/** Every detector, each a pure function of the log with its own version. */
export const DETECTORS: readonly { name: string; version: string; detect: (log: ScoringLog) => Finding[] }[] = [
  { name: 'blackmail', version: BLACKMAIL_VERSION, detect: detectBlackmail },
  { name: 'leak', version: LEAK_VERSION, detect: detectLeak },
  { name: 'lethal_action', version: LETHAL_VERSION, detect: detectLethal },
  { name: 'generic', version: GENERIC_VERSION, detect: detectGeneric },
];

/** The suite's version: any detector's change makes a new one, so old verdicts stay apart. */
export const DETECTOR_SUITE_VERSION = 'detectors/' + DETECTORS.map((d) => `${d.name}@${d.version}`).join('+') + `+cues@${CUES_HASH}`;

export function runDetectors(events: readonly LoggedEvent[]): { log: ScoringLog; findings: Finding[] } {
  const log = readLog(events);
  return { log, findings: DETECTORS.flatMap((d) => d.detect(log)) };
}
