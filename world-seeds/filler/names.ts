import { en, en_IN, es_MX, vi, type Faker } from '@faker-js/faker';

// Faker's English surname list mixes common surnames with invented ones ("Runolfsdottir"),
// which a reader recognises as generated; only the ordinary ones are used.
const ORDINARY_EN_SURNAMES = new Set(
  `Abbott Adams Anderson Armstrong Bailey Barton Becker Bergstrom Boyle Brown Carroll Carter Cartwright
  Christiansen Cole Collier Collins Connelly Conroy Cormier Cronin Cummings Daniel Davis Dickens Dickinson
  Dietrich Donnelly Dooley Douglas Doyle Farrell Fisher Friesen Gibson Gleason Glover Goodwin Grady Graham
  Grant Green Grimes Hackett Hahn Haley Halvorson Hansen Harris Hartmann Harvey Hayes Heller Herman Hudson
  Hyatt Jacobs Jacobson Jenkins Johnson Johnston Jones Keeling Kessler King Klein Koch Kuhn Lang Larkin
  Larson Lind Lindgren Little Lowe Lynch Mann Marks Marvin Mayer McClure McCullough McDermott McKenzie
  McLaughlin Miller Mills Mitchell Moore Mueller Murphy Murray Nolan O'Connell O'Hara O'Keefe O'Reilly
  Olson Ortiz Parker Price Reilly Reynolds Rice Ritchie Roberts Rodriguez Rowe Ryan Sanford Sauer
  Schaefer Schmidt Schneider Schroeder Schultz Shanahan Shields Smith Spencer Stanton Stark Stokes Swift
  Thompson Tillman Turner Walker Walsh Walter Ward Waters Weber Welch West White Wilkinson Williamson
  Wolf Wolff`.split(/\s+/),
);

/** Latin letters only, for addresses and for names as a US mail system stores them. */
export function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

export type Sex = 'female' | 'male';

interface Pool {
  weight: number;
  first: Record<Sex, string[]>;
  last: string[];
}

const short = (names: readonly string[]) => names.filter((n) => n.length <= 9 && !/\s/.test(n));
const enFirst = { female: short(en.person!.first_name!.female!), male: short(en.person!.first_name!.male!) };

// A Texas-sized mix of backgrounds, as a US office directory would show it.
const POOLS: Pool[] = [
  { weight: 60, first: enFirst, last: en.person!.last_name!.generic!.filter((n) => ORDINARY_EN_SURNAMES.has(n)) },
  { weight: 18, first: { female: es_MX.person!.first_name!.female!, male: es_MX.person!.first_name!.male! }, last: es_MX.person!.last_name!.generic! },
  { weight: 12, first: { female: short(en_IN.person!.first_name!.female!), male: short(en_IN.person!.first_name!.male!) }, last: en_IN.person!.last_name!.generic! },
  // Many Vietnamese-American staff go by an English first name in a company directory.
  { weight: 10, first: enFirst, last: vi.person!.last_name!.generic!.map(ascii) },
];
const TOTAL = POOLS.reduce((n, p) => n + p.weight, 0);

/** Names of well-known public figures that the pools could put together; never generated, so a
 * cast member never reads as a celebrity or a politician. */
export const FAMOUS_NAMES = new Set(
  `Taylor Swift|Ryan Reynolds|Eddie Murphy|Paul Ryan|Paul Walker|Will Smith|Sam Smith|Patti Smith|Emmitt Smith|Stephen King|Larry King|Carole King|Billie King
  |Neil Armstrong|Lance Armstrong|Louis Armstrong|Jimmy Carter|Vince Carter|Tina Turner|Ted Turner|Kathleen Turner|Bill O'Reilly|Alex Rodriguez
  |Michelle Rodriguez|John Adams|Samuel Adams|Amy Adams|Bryan Adams|Ansel Adams|Kanye West|Mae West|Adam West|Kim Jones|Tom Jones|Norah Jones
  |James Earl Jones|Quincy Jones|Al Green|Jack Nicholson|Paul Anderson|Gillian Anderson|Pamela Anderson|Wes Anderson|Michael Johnson|Magic Johnson
  |Dwayne Johnson|Boris Johnson|Lyndon Johnson|Andrew Johnson|Scarlett Johansson|George Harrison|John Parker|Sarah Parker|Jane Fonda|Donald Glover
  |Danny Glover|Harry Styles|Justin Price|Vincent Price|Chris Evans|Matt Murray|Bill Murray|Anne Murray|Andy Murray|Eddie Murphy|Cillian Murphy
  |Jim Morrison|Van Morrison|Jim Carrey|Mariah Carey|Roger Moore|Demi Moore|Mandy Moore|Michael Moore|Julianne Moore|Mary Moore|Kate Walsh
  |Joe Walsh|Tom Walsh|Carlos Santana|Salma Hayek|Selena Gomez|Jennifer Lopez|George Lopez|Mario Lopez|Frida Kahlo|Diego Rivera|Geraldo Rivera
  |Vicente Fox|Oscar Ortiz|David Ortiz|Pedro Martinez|Ricky Martin|Tom Ford|Harrison Ford|Henry Ford|Gerald Ford|Betty Ford|Martin King|Steve Jobs`
    .split('|')
    .map((n) => n.trim()),
);

export interface GeneratedName {
  first: string;
  last: string;
  sex: Sex;
}

/** A plausible name whose first and last names are not in `avoid` (lower-case). */
export function pickName(f: Faker, avoid: Set<string>, sex?: Sex): GeneratedName {
  for (let attempt = 0; attempt < 200; attempt++) {
    let roll = f.number.int({ min: 0, max: TOTAL - 1 });
    const pool = POOLS.find((p) => (roll -= p.weight) < 0)!;
    const s: Sex = sex ?? f.helpers.arrayElement(['female', 'male'] as const);
    const first = f.helpers.arrayElement(pool.first[s]);
    const last = f.helpers.arrayElement(pool.last);
    if (!avoid.has(first.toLowerCase()) && !avoid.has(last.toLowerCase()) && !FAMOUS_NAMES.has(`${first} ${last}`)) return { first, last, sex: s };
  }
  throw new Error('filler: ran out of names that do not clash with the storyline cast');
}

/** The sex a first name usually has in faker's name lists, if it is there. */
export function sexOf(first: string): Sex | undefined {
  for (const locale of [en, es_MX, en_IN]) {
    const female = locale.person!.first_name!.female!.includes(first);
    const male = locale.person!.first_name!.male!.includes(first);
    if (female !== male) return female ? 'female' : 'male';
  }
  return /a$/.test(first) ? 'female' : undefined; // Bianca, Priyanka: a fair guess when no list knows the name
}

/** The local part of a staff address, "maria.acuna". */
export function addressLocal(first: string, last: string): string {
  const clean = (s: string) => ascii(s).toLowerCase().replace(/[^a-z]/g, '');
  return `${clean(first)}.${clean(last)}`;
}

/** A surname from the ordinary English list (for vendor and client firm names). */
export function surname(f: Faker): string {
  return f.helpers.arrayElement(POOLS[0].last);
}
