// Every string the UI shows, in one place, in English and Spanish. The core sends codes (a
// refusal's reason, an error's code with its data); this file words them.
import type { Connectivity, IgnoredAfter, OutboxOp, Refusal } from './types';

const en = {
  search: 'Type your name',
  searchLabel: 'Search members by name or company',
  searchMore: 'Type at least 3 letters of your name',
  searchNarrow: 'More than {shown} people match: type more of your name',
  noMatch: 'No one matches “{query}”',
  checkIn: 'Check in {name}',
  checkOut: 'Check out {name}, in since {time}',
  inSince: 'in since {time}',
  welcome: 'Welcome, {name}!',
  welcomeAt: 'Checked in at {time}',
  goodbye: 'Goodbye, {name}!',
  goodbyeAt: 'Checked out at {time} after {duration}',
  rejected: 'Sorry, {name}',
  rejectedNoName: 'Sorry, that PIN cannot check in here',
  seeReception: 'Please see reception.',
  ignoredIn: 'You are checked in already, {name}.',
  ignoredOut: 'You are checked out already, {name}.',
  ignoredRefused: 'Sorry, {name}: please see reception.',
  touchToClose: 'Touch anywhere to continue',
  usePin: 'Use a PIN',
  pinTitle: 'Enter your PIN',
  pinSubmit: 'OK',
  pinClear: 'Clear',
  pinBack: 'Delete',
  close: 'Close',
  unknownPin: 'That PIN is not known.',
  unknownCard: 'That card is not known.',
  refusalInactive: 'Your membership is not active. Please see reception.',
  refusalWrongLocation: 'Your membership does not include this location. Please see reception.',
  refusalNoPlan: 'You have no plan that covers today. Please see reception.',
  errorWrongPin: 'Wrong staff PIN. {n} tries left.',
  errorLockedOut: 'Too many wrong PINs. Try again in {n} s.',
  errorNoStaffPin: 'No staff PIN is set yet: choose one first.',
  errorNetwork: 'The kiosk cannot be reached.',
  errorUnsupported: 'This screen cannot do that.',
  online: 'Online',
  offline: 'Offline',
  throttled: 'Slowed down by Nexudus',
  missingRole: 'The Nexudus account lacks a role',
  needsLogin: 'Needs staff login',
  notConfigured: 'No account',
  opCreateCheckin: 'check-in',
  opCloseCheckin: 'check-out',
  opCreateFailed: 'refused check-in',
  pending: '{count} waiting to sync',
  demo: 'Demo',
  demoPin: 'staff PIN {pin}',
  staff: 'Staff',
  staffPin: 'Staff PIN',
  choosePin: 'Choose a staff PIN (4 to 12 digits)',
  unlock: 'Unlock',
  wrongPin: 'Wrong PIN: {left} tries left.',
  lockedOut: 'Too many wrong PINs. Try again in {seconds} s.',
  account: 'Nexudus account',
  email: 'Email',
  password: 'Password',
  totp: 'Two-factor code (if asked)',
  apiBase: 'API address',
  logIn: 'Log in',
  logOut: 'Log out',
  checkAccount: 'Check the account',
  checkCost: 'The checks made {requests} requests ({share} of the hour’s 5,000).',
  location: 'Location',
  chooseLocation: 'Choose a location',
  zoneInUse: 'Time zone in use: {zone}',
  zoneFromNexudus: 'from Nexudus ({windows})',
  zoneSetHere: 'set here',
  zoneUnknown: 'Nexudus gave none this kiosk knows: set one below',
  zoneOverride: 'Use another time zone (blank: follow Nexudus)',
  autoCheckout: 'Check everyone out automatically',
  cutOff: 'At the daily cut-off',
  afterHours: 'After a number of hours',
  cutOffTime: 'Cut-off time',
  hours: 'Hours',
  privacy: 'Names on the grid',
  privacyFull: 'Full name',
  privacyFirst: 'First name and initial',
  privacyInitials: 'Initials only',
  privacySearch: 'No grid: search only',
  idle: 'Back to the grid after (seconds)',
  doubleTap: 'Ignore a second tap within (seconds)',
  payg: 'Members without a plan may check in (pay as you go)',
  save: 'Save settings',
  saved: 'Saved.',
  changePin: 'Change the staff PIN',
  newPin: 'New PIN',
  syncNow: 'Sync now',
  queue: 'Sync queue',
  queueEmpty: 'Nothing waiting.',
  retry: 'Retry',
  discard: 'Discard',
  parked: 'Refused',
  waiting: 'Waiting',
  pairing: 'Tablet pairing code',
  pairingUntil: 'Valid until {time}, for one tablet',
  newCode: 'New code',
  tablets: 'Tablets',
  noTablets: 'No tablet is paired.',
  tabletSeen: 'paired {paired} from {from}; last seen {seen}',
  tabletRevoked: 'unpaired {at}',
  revoke: 'Unpair',
  wrongPins: 'Wrong member PINs and cards today',
  wrongPinsAt: '{where}: {n}',
  wrongPinsWaiting: 'each next try waits ({n} s now)',
  endWait: 'End the wait',
  thisScreen: 'this screen',
  tabletNumbered: 'tablet {id}',
  fingerprint: 'Certificate fingerprint (SHA-256), to compare with what a tablet’s browser shows',
  currentPin: 'Current PIN',
  sessionEnded: 'The staff panel closed after a while without use: enter the staff PIN again.',
  errorScreenOnly: 'The first staff PIN is chosen on the kiosk’s own screen.',
  errorWrongCode: 'That code is not right, or has expired: ask staff for the code in the staff panel.',
  errorLockedOutCode: 'Too many wrong tries. Try again in {n} s.',
  tabletName: 'Name this tablet (for staff, e.g. “Front desk”)',
  leaveKiosk: 'Leave kiosk mode',
  autostart: 'Start the kiosk when the computer starts',
  photoUrl: 'Member photos address ({id} = member Id; empty: initials)',
  language: 'Español',
  jumpTo: 'Jump to {letter}',
  pairTitle: 'Pair this tablet',
  pairCode: 'Pairing code from the staff panel',
  pair: 'Pair',
  noLocation: 'A staff member must choose this kiosk’s location.',
  minutes: '{n} min',
  hoursMinutes: '{h} h {m} min',
} as const;

export type Key = keyof typeof en;

const es: Record<Key, string> = {
  search: 'Escribe tu nombre',
  searchLabel: 'Buscar miembros por nombre o empresa',
  searchMore: 'Escribe al menos 3 letras de tu nombre',
  searchNarrow: 'Coinciden más de {shown} personas: escribe más de tu nombre',
  noMatch: 'Nadie coincide con «{query}»',
  checkIn: 'Registrar entrada de {name}',
  checkOut: 'Registrar salida de {name}, dentro desde {time}',
  inSince: 'dentro desde {time}',
  welcome: '¡Bienvenido/a, {name}!',
  welcomeAt: 'Entrada a las {time}',
  goodbye: '¡Hasta pronto, {name}!',
  goodbyeAt: 'Salida a las {time} tras {duration}',
  rejected: 'Lo sentimos, {name}',
  rejectedNoName: 'Lo sentimos, ese PIN no puede registrar la entrada aquí',
  seeReception: 'Por favor, pasa por recepción.',
  ignoredIn: 'Ya tienes la entrada registrada, {name}.',
  ignoredOut: 'Ya tienes la salida registrada, {name}.',
  ignoredRefused: 'Lo sentimos, {name}: pasa por recepción, por favor.',
  touchToClose: 'Toca la pantalla para continuar',
  usePin: 'Usar un PIN',
  pinTitle: 'Introduce tu PIN',
  pinSubmit: 'Aceptar',
  pinClear: 'Borrar todo',
  pinBack: 'Borrar',
  close: 'Cerrar',
  unknownPin: 'Ese PIN no existe.',
  unknownCard: 'Esa tarjeta no existe.',
  refusalInactive: 'Tu membresía no está activa. Pasa por recepción, por favor.',
  refusalWrongLocation: 'Tu membresía no incluye esta sede. Pasa por recepción, por favor.',
  refusalNoPlan: 'No tienes un plan que cubra hoy. Pasa por recepción, por favor.',
  errorWrongPin: 'PIN de personal incorrecto. Quedan {n} intentos.',
  errorLockedOut: 'Demasiados PIN incorrectos. Vuelve a intentarlo en {n} s.',
  errorNoStaffPin: 'Aún no hay PIN de personal: elige uno primero.',
  errorNetwork: 'No se puede conectar con el quiosco.',
  errorUnsupported: 'Esta pantalla no puede hacer eso.',
  online: 'En línea',
  offline: 'Sin conexión',
  throttled: 'Nexudus pide ir más despacio',
  missingRole: 'A la cuenta de Nexudus le falta un permiso',
  needsLogin: 'Necesita inicio de sesión',
  notConfigured: 'Sin cuenta',
  opCreateCheckin: 'entrada',
  opCloseCheckin: 'salida',
  opCreateFailed: 'entrada rechazada',
  pending: '{count} pendientes de sincronizar',
  demo: 'Demo',
  demoPin: 'PIN de personal {pin}',
  staff: 'Personal',
  staffPin: 'PIN de personal',
  choosePin: 'Elige un PIN de personal (4 a 12 cifras)',
  unlock: 'Desbloquear',
  wrongPin: 'PIN incorrecto: quedan {left} intentos.',
  lockedOut: 'Demasiados intentos. Vuelve a probar en {seconds} s.',
  account: 'Cuenta de Nexudus',
  email: 'Correo electrónico',
  password: 'Contraseña',
  totp: 'Código de verificación (si se pide)',
  apiBase: 'Dirección de la API',
  logIn: 'Iniciar sesión',
  logOut: 'Cerrar sesión',
  checkAccount: 'Comprobar la cuenta',
  checkCost: 'Las comprobaciones hicieron {requests} peticiones ({share} de las 5.000 por hora).',
  location: 'Sede',
  chooseLocation: 'Elige una sede',
  zoneInUse: 'Zona horaria en uso: {zone}',
  zoneFromNexudus: 'la de Nexudus ({windows})',
  zoneSetHere: 'fijada aquí',
  zoneUnknown: 'Nexudus no da ninguna que este quiosco conozca: fija una abajo',
  zoneOverride: 'Usar otra zona horaria (en blanco: la de Nexudus)',
  autoCheckout: 'Registrar la salida de todos automáticamente',
  cutOff: 'A la hora de cierre diaria',
  afterHours: 'Tras un número de horas',
  cutOffTime: 'Hora de cierre',
  hours: 'Horas',
  privacy: 'Nombres en la cuadrícula',
  privacyFull: 'Nombre completo',
  privacyFirst: 'Nombre e inicial',
  privacyInitials: 'Solo iniciales',
  privacySearch: 'Sin cuadrícula: solo búsqueda',
  idle: 'Volver a la cuadrícula tras (segundos)',
  doubleTap: 'Ignorar un segundo toque en (segundos)',
  payg: 'Los miembros sin plan pueden entrar (pago por uso)',
  save: 'Guardar ajustes',
  saved: 'Guardado.',
  changePin: 'Cambiar el PIN de personal',
  newPin: 'PIN nuevo',
  syncNow: 'Sincronizar ahora',
  queue: 'Cola de sincronización',
  queueEmpty: 'Nada pendiente.',
  retry: 'Reintentar',
  discard: 'Descartar',
  parked: 'Rechazado',
  waiting: 'Pendiente',
  pairing: 'Código para emparejar tabletas',
  pairingUntil: 'Válido hasta las {time}, para una tableta',
  newCode: 'Código nuevo',
  tablets: 'Tabletas',
  noTablets: 'No hay ninguna tableta emparejada.',
  tabletSeen: 'emparejada {paired} desde {from}; vista por última vez {seen}',
  tabletRevoked: 'desemparejada {at}',
  revoke: 'Desemparejar',
  wrongPins: 'PIN y tarjetas de miembros incorrectos hoy',
  wrongPinsAt: '{where}: {n}',
  wrongPinsWaiting: 'cada intento siguiente espera ({n} s ahora)',
  endWait: 'Terminar la espera',
  thisScreen: 'esta pantalla',
  tabletNumbered: 'tableta {id}',
  fingerprint: 'Huella del certificado (SHA-256), para comparar con la que muestra el navegador de la tableta',
  currentPin: 'PIN actual',
  sessionEnded: 'El panel del personal se cerró tras un rato sin uso: vuelve a introducir el PIN de personal.',
  errorScreenOnly: 'El primer PIN de personal se elige en la pantalla del propio quiosco.',
  errorWrongCode: 'Ese código no es correcto o ha caducado: pide al personal el código del panel del personal.',
  errorLockedOutCode: 'Demasiados intentos incorrectos. Vuelve a intentarlo en {n} s.',
  tabletName: 'Nombre de esta tableta (para el personal, p. ej. «Recepción»)',
  leaveKiosk: 'Salir del modo quiosco',
  autostart: 'Abrir el quiosco al iniciar el ordenador',
  photoUrl: 'Dirección de las fotos ({id} = Id del miembro; vacío: iniciales)',
  language: 'English',
  jumpTo: 'Ir a {letter}',
  pairTitle: 'Emparejar esta tableta',
  pairCode: 'Código del panel de personal',
  pair: 'Emparejar',
  noLocation: 'Un miembro del personal debe elegir la sede de este quiosco.',
  minutes: '{n} min',
  hoursMinutes: '{h} h {m} min',
};

export const messages = { en, es } as const;
export type Locale = keyof typeof messages;

export function pickLocale(languages: readonly string[]): Locale {
  return languages.some((l) => l.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

export function translate(locale: Locale, key: Key, vars: Record<string, string | number> = {}): string {
  const template: string = messages[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export function duration(locale: Locale, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? translate(locale, 'hoursMinutes', { h, m }) : translate(locale, 'minutes', { n: m });
}

const ignoredAfter: Record<IgnoredAfter, Key> = {
  checked_in: 'ignoredIn',
  checked_out: 'ignoredOut',
  refused: 'ignoredRefused',
};

/** A second tap within the double-tap window: the first answer, said again with the name. */
export function ignoredText(locale: Locale, first: IgnoredAfter, name: string): string {
  return translate(locale, ignoredAfter[first], { name });
}

const refusals: Record<Refusal, Key> = {
  inactive: 'refusalInactive',
  wrong_location: 'refusalWrongLocation',
  no_plan: 'refusalNoPlan',
};

/** What a member reads when a check-in is refused, in their language. */
export function refusalText(locale: Locale, reason: Refusal): string {
  return translate(locale, refusals[reason]);
}

/** An error from the core, worded by its code; a code without words here shows its message. */
export function errorText(
  locale: Locale,
  e: { code: string; message: string; detail?: { tries_left?: number; seconds?: number } },
): string {
  switch (e.code) {
    case 'unknown_pin':
      return translate(locale, 'unknownPin');
    case 'unknown_card':
      return translate(locale, 'unknownCard');
    case 'no_location':
      return translate(locale, 'noLocation');
    case 'wrong_pin':
      return translate(locale, 'errorWrongPin', { n: e.detail?.tries_left ?? 0 });
    case 'locked_out':
      return translate(locale, 'errorLockedOut', { n: e.detail?.seconds ?? 0 });
    case 'no_staff_pin':
      return translate(locale, 'errorNoStaffPin');
    case 'staff_session_ended':
      return translate(locale, 'sessionEnded');
    case 'screen_only':
      return translate(locale, 'errorScreenOnly');
    case 'wrong_code':
      return translate(locale, 'errorWrongCode');
    case 'network':
      return translate(locale, 'errorNetwork');
    case 'unsupported':
      return translate(locale, 'errorUnsupported');
    default:
      return e.message;
  }
}

/** The words for each connectivity state the core reports (never its code on screen). */
export const connectivityKey: Record<Connectivity, Key> = {
  online: 'online',
  offline: 'offline',
  throttled: 'throttled',
  missing_role: 'missingRole',
  needs_login: 'needsLogin',
  not_configured: 'notConfigured',
};

/** The words for each kind of entry in the sync queue. */
export const opKey: Record<OutboxOp, Key> = {
  create_checkin: 'opCreateCheckin',
  close_checkin: 'opCloseCheckin',
  create_failed: 'opCreateFailed',
};
