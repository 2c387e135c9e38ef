// Words feeds write in dates: month and weekday names (English, Portuguese, Spanish,
// French, German, Italian; full and abbreviated, with and without accents) and zones.

const MONTH_NAMES: readonly string[] = [
  'jan january janeiro enero janvier janv januar jänner janner gennaio gen ene',
  'feb february fevereiro fev febrero février fevrier févr fevr februar febbraio',
  'mar march março marco marzo mars märz marz mär mrz',
  'apr april abril abr avril avr aprile',
  'may mayo maio mai mag maggio',
  'jun june junho junio juin juni giugno giu',
  'jul july julho julio juillet juil juli luglio lug',
  'aug august agosto ago août aout',
  'sep sept september setembro set septiembre setiembre septembre settembre',
  'oct october outubro out octubre octobre okt oktober ottobre ott',
  'nov november novembro noviembre novembre',
  'dec december dezembro dez diciembre dic décembre decembre déc dezember dicembre',
];

const WEEKDAY_NAMES =
  'mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday sun sunday ' +
  'seg segunda ter terça terca qua quarta qui quinta sex sexta sáb sab sábado sabado dom domingo feira ' +
  'lun lunes mar martes mié mie miércoles miercoles jue jueves vie viernes ' +
  'lundi mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche ' +
  'mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag sonnabend so sonntag ' +
  'lunedì lunedi martedì martedi mercoledì mercoledi gio giovedì giovedi venerdì venerdi sabato domenica';

/** Words between the parts of a date ("24 de setembro de 2018 às 19:42", "le 10 mars à 8h"). */
export const CONNECTORS = new Set('de del da do of the at on um às as a à las le la alle ore um den der am h e y et und'.split(' '));

export const MONTHS: ReadonlyMap<string, number> = new Map(
  MONTH_NAMES.flatMap((line, i) => line.split(' ').map((name) => [name, i + 1] as const)),
);

export const WEEKDAYS: ReadonlySet<string> = new Set(WEEKDAY_NAMES.split(' '));

/** Zone abbreviations feeds really use → minutes east of UTC. */
export const ZONES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 330, CET: 60, CEST: 120, MET: 60, MEST: 120, MEZ: 60,
    MESZ: 120, EET: 120, EEST: 180, MSK: 180, SGT: 480, HKT: 480, JST: 540, KST: 540, AEST: 600, AEDT: 660, ACST: 570,
    AWST: 480, NZST: 720, NZDT: 780, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480,
    PDT: -420, AKST: -540, AKDT: -480, HST: -600, BRT: -180, ART: -180,
  }),
);
