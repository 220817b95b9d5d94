// Generated from the Rust types of crates/kiosk by ts-rs. Do not edit:
// UPDATE_TS=1 cargo test -p kiosk typescript

export type Tile = { member_id: number, 
/**
 * The name as the privacy mode allows.
 */
name: string, 
/**
 * What tells two members of one name apart (the company, else the first team), where the
 * privacy mode shows more than initials.
 */
detail: string | null, 
/**
 * Active and of this location: a tap checks in here (search also finds the others, who
 * get a clear refusal).
 */
here: boolean, initials: string, 
/**
 * Photos are on: the screen may ask for this member's (`member_photo`), and shows the
 * initials until one comes.
 */
photo: boolean, 
/**
 * Checked in here since (UTC), if in.
 */
in_since: string | null, 
/**
 * The same, as the location's wall-clock time ("09:12").
 */
in_since_local: string | null, };

export type TapOutcome = { "kind": "welcome", member_id: number, first_name: string, at: string, at_local: string, checkin: string, 
/**
 * The pass it uses, for a member without a plan ("Day Pass: 7 left").
 */
pass: PassUse | null, } | { "kind": "goodbye", member_id: number, first_name: string, at: string, at_local: string, minutes: number, checkin: string, } | { "kind": "undone", member_id: number, first_name: string, in_since: string | null, in_since_local: string | null, } | { "kind": "rejected", member_id: number | null, first_name: string, reason: Refusal, } | { "kind": "ignored", member_id: number | null, first_name: string, first: IgnoredAfter, };

export type VisitorOutcome = { "kind": "arrived", visit: string, first_name: string, host_name: string | null, at_local: string, } | { "kind": "already_arrived", first_name: string, host_name: string | null, } | { "kind": "signed_out", first_name: string, at_local: string, } | { "kind": "not_signed_in", first_name: string, } | { "kind": "sign_agreement", visit: string, first_name: string, version: number, } | { "kind": "take_photo", visit: string, first_name: string, } | { "kind": "returning", visit: string, full_name: string, company: string | null, } | { "kind": "waiting", visit: string, first_name: string, host_name: string | null, seconds_left: number, } | { "kind": "declined", first_name: string, } | { "kind": "see_reception", first_name: string, };

export type WalkIn = { full_name: string, email: string, company: string | null, 
/**
 * The member they visit, as found by `visitor_hosts`.
 */
host_id: number, 
/**
 * Their signature of the location's agreement, where staff set one; none on the first
 * try, which answers `invalid` on field `agreement` when they must sign (a returning
 * visitor who signed this version, known by the e-mail and name typed, need not).
 */
signing: Signing | null, 
/**
 * The visit of the previous badge they showed (`VisitorOutcome::Returning`): an e-mail
 * left blank is the one they gave then.
 */
returning: string | null, 
/**
 * Their photo, or their choice not to have one, where staff ask for photos; none on the
 * first try, which answers `invalid` on field `photo` when one is asked.
 */
photo: VisitorPhoto | null, };

export type Signing = { version: number, 
/**
 * The screen's language when they read it (`es`, `pt-BR`...).
 */
language: string, signature: Signature, };

export type VisitorPhoto = { "kind": "taken", image: string, } | { "kind": "declined" };

export type SignedCopy = { visit: string, visitor_name: string, version: number, language: string | null, signed_at: string, };

export type Signature = { width: number, height: number, strokes: Array<Array<[number, number]>>, };

export type Agreement = { 
/**
 * Staff raise it when the text changes in substance: visitors who signed an older version
 * sign again; those who signed this one are not asked again.
 */
version: number, 
/**
 * The text, shown to a reader whose language has none of its own.
 */
text: string, 
/**
 * The text in other languages, by language (`es`, `pt`, `fr`, `de`, `en`).
 */
translations: { [key in string]: string }, 
/**
 * Days a signed copy is kept on the kiosk; deleted after (privacy law).
 */
keep_days: number, };

export type AgreementText = { version: number, text: string, };

export type Host = { member_id: number, name: string, };

export type FoundVisitor = { visit: string, name: string, host_name: string | null, signed_in: boolean, };

export type VisitorSettings = { 
/**
 * Visitors without an invitation may register at the kiosk.
 */
walk_ins: boolean, 
/**
 * The agreement visitors sign before going in (expected guests and walk-ins alike);
 * none: nothing to sign.
 */
agreement: Agreement | null, 
/**
 * A walk-in waits for their host to approve the visit before going in.
 */
host_approval: boolean, 
/**
 * How long a walk-in waits for the host's answer before being sent to reception.
 */
approval_wait_minutes: number, 
/**
 * Days a visitor's name stays on the device after their visit; 0: only the day.
 */
keep_days: number, 
/**
 * Days a walk-in is remembered (name, company, e-mail), so that a previous badge or their
 * e-mail with their name fills the form when they come back; 0: not remembered.
 */
remember_days: number, 
/**
 * Visitors are asked for a photo at sign-in (printed on the badge, never shown on the
 * public screen, wiped with the visit); off: no camera is opened.
 */
photos: boolean, 
/**
 * The badge printer's IPP address (`ipp://brother-ql.local:631/ipp/print`, or a CUPS
 * queue, `ipp://localhost:631/printers/Brother_QL_820NWB`); none: no badges.
 */
badge_printer: string | null, 
/**
 * The labels in it.
 */
badge_label: LabelSize, };

export type How = "tile" | "pin" | "card" | "staff" | "other_kiosk" | "door" | "dashboard" | "network" | "sensor" | "nexudus" | "invited" | "walk_in";

export type Presence = { 
/**
 * A member's Id; none for a visitor.
 */
member_id: number | null, 
/**
 * A visitor's visit; none for a member.
 */
visit: string | null, 
/**
 * The full name: the desk is for staff.
 */
name: string, 
/**
 * A member's company, or whom a visitor visits.
 */
detail: string | null, since: string, since_local: string, how: How, 
/**
 * The member's open check-in, for a check-out on their behalf.
 */
checkin: string | null, };

export type Movement = { at: string, at_local: string, name: string, member_id: number | null, arrival: boolean, how: How, 
/**
 * The check-in (a departure's, for correcting its time).
 */
checkin: string | null, };

export type FailedLine = { at: string, at_local: string, name: string | null, 
/**
 * Why this kiosk refused it, as a code the screen words in the reader's language; none
 * for a refusal read from Nexudus (then `description` is Nexudus's own words).
 */
reason: Refusal | null, 
/**
 * What Nexudus says of it (or, for the kiosk's own, the English sent to Nexudus).
 */
description: string, 
/**
 * Refused by this kiosk (else read from Nexudus).
 */
here: boolean, };

export type Advice = "grant_role" | "fix_in_nexudus_then_retry" | "discard" | "retry";

export type ParkedLine = { entry: OutboxEntry, name: string | null, advice: Advice, };

export type Today = { 
/**
 * Arrivals and departures, oldest first.
 */
timeline: Array<Movement>, failed: Array<FailedLine>, parked: Array<ParkedLine>, 
/**
 * Nexudus's own refusals could be read (else only this kiosk's are shown).
 */
server_failed_read: boolean, 
/**
 * This kiosk's check-ins today merged with another kiosk's of the same member (the member
 * tapped on both before they heard of each other): closed at their start as the later one.
 */
merged: number, };

export type Peak = { count: number, at: string, at_local: string, };

export type Occupancy = { 
/**
 * For each hour 0-23, the people in at some time in it, today (hours to come: 0).
 */
today: Array<number>, 
/**
 * The same hour on the same weekday, on average over `weeks` weeks before today.
 */
typical: Array<number>, weeks: number, peak: Peak | null, };

export type RollCall = { generated_at: string, generated_local: string, location: string, 
/**
 * The last successful exchange with Nexudus: check-ins made elsewhere since then are
 * missing.
 */
data_as_of: string | null, connectivity: Connectivity, people: Array<Presence>, };

export type Health = { 
/**
 * When this was put together.
 */
at: string, 
/**
 * Whose view it is: this process's, or the running kiosk's as it saved it.
 */
seen: Seen, connectivity: Connectivity, last_sync: string | null, pending: number, parked: number, 
/**
 * Requests this kiosk sent Nexudus in the last hour and day, and what the account allows.
 */
requests_last_hour: number, requests_last_day: number, hourly_budget: number | null, daily_budget: number | null, 
/**
 * The database file's size, in bytes.
 */
database_bytes: number, version: string, 
/**
 * The account's records that did not read (each costs only itself): fixed in Nexudus.
 */
unread: Array<UnreadRecord>, 
/**
 * When the Nexudus login runs out unless the kiosk renews it before ([`LOGIN_LIVES`] after
 * its last renewal), where known.
 */
login_good_until: string | null, 
/**
 * It runs out within [`LOGIN_WARNING`] and the kiosk cannot reach Nexudus to renew it.
 */
login_runs_out_soon: boolean, 
/**
 * A first load of members under way (this process's own view only).
 */
loading: MemberLoad | null, };

export type Seen = { "kind": "this_kiosk" } | { "kind": "running_kiosk", at: string, } | { "kind": "not_running", at: string | null, stopped_cleanly: boolean, };

export type UnreadRecord = { list: RecordList, 
/**
 * The record's `Id` (`None` when even that did not read).
 */
record_id: number | null, 
/**
 * The field that did not read (`CheckedInAt`, `Teams[0]`); empty for the whole record.
 */
field: string, 
/**
 * What came there: `string`, `number`, `null`, `bool`, `array`, `object`, or `missing`.
 */
shape: string, first_seen: string, last_seen: string, };

export type RecordList = "members" | "contracts" | "passes" | "check_ins" | "failed_check_ins" | "visitors" | "locations" | "time_zones" | "teams";

export type PassUse = { name: string, 
/**
 * Uses of passes of that name the member has left after this one.
 */
left: number, 
/**
 * Uses in all, where the server counts them.
 */
of: number | null, };

export type Refusal = "inactive" | "wrong_location" | "no_plan" | "pass_spent" | "pass_expired";

export type Status = { connectivity: Connectivity, 
/**
 * Since when the connectivity is what it is (offline since, throttled since...).
 */
connectivity_since: string | null, 
/**
 * The last successful exchange with Nexudus: moves with every one, mid-drain too.
 */
last_sync: string | null, 
/**
 * When the sync engine tries again, when it is waiting (offline, throttled).
 */
next_try: string | null, 
/**
 * What the last failed exchange said, for staff (which call, which role): cleared by the
 * next success.
 */
problem: ErrorDto | null, pending: number, parked: number, demo: boolean, 
/**
 * Demo mode shows its staff PIN so anyone trying it can open the staff panel.
 */
demo_staff_pin: string | null, 
/**
 * No staff PIN yet: the first staff member to open the panel chooses one.
 */
staff_pin_set: boolean, location: Location | null, members: number, capabilities: Capabilities, 
/**
 * "Forgot your PIN?" is offered: online, and the account can e-mail a member their PIN.
 */
pin_reminder: boolean, 
/**
 * A first load of the account's members under way: the grid is not whole yet.
 */
loading: MemberLoad | null, 
/**
 * Who the kiosk is logged in as, and where: the staff panel shows it.
 */
account: AccountView | null, };

export type MemberLoad = { 
/**
 * Members read so far.
 */
loaded: number, 
/**
 * How many the account has, where Nexudus said (`TotalItems`).
 */
total: number | null, 
/**
 * About how long the rest takes, from the limits and the pace so far.
 */
seconds_left: number | null, };

export type AccountView = { 
/**
 * The e-mail the kiosk logged in with.
 */
user: string | null, 
/**
 * The API's address (`https://spaces.nexudus.com`, a simulator's in demo mode).
 */
base_url: string, };

export type Capabilities = { 
/**
 * Start the kiosk when the computer starts (the desktop app).
 */
autostart: boolean, 
/**
 * Leave full-screen kiosk mode (the desktop app).
 */
leave_kiosk: boolean, 
/**
 * Pair tablets with a code (the browser face on a network address).
 */
pairing: boolean, 
/**
 * Read a visitor's QR code with a camera, where the browser has one (the browser face; the
 * desktop app's WebKitGTK on Linux has no camera access, so it reads QR codes through a
 * USB 2D scanner).
 */
camera: boolean, 
/**
 * Serve `GET /metrics` to a scraper holding a token staff made (`kiosk serve`).
 */
metrics: boolean, };

export type IgnoredAfter = "checked_in" | "checked_out" | "refused";

export type AuditLine = { at: string, action: string, detail: string, };

export type PairingInfo = { 
/**
 * Empty where the face needs no pairing.
 */
code: string, 
/**
 * When the code stops working (it also stops once a tablet used it).
 */
expires_at: string | null, required: boolean, };

export type Connectivity = "online" | "offline" | "throttled" | "needs_login" | "missing_role" | "not_configured";

export type Location = { 
/**
 * The Nexudus BusinessId.
 */
id: number, name: string, 
/**
 * The IANA time zone in use, e.g. `Europe/London`: the one Nexudus's zone maps to, or the
 * one staff set.
 */
time_zone: string, 
/**
 * The Windows zone name Nexudus gives the location (`GMT Standard Time`), if any.
 */
nexudus_zone: string | null, 
/**
 * Staff chose `time_zone` themselves: the kiosk does not follow Nexudus's zone any more.
 */
zone_set_by_staff: boolean, };

export type Settings = { location: Location | null, auto_checkout: boolean, auto_checkout_rule: AutoCheckoutRule, privacy: PrivacyMode, 
/**
 * A second tap of the same member within this many seconds is ignored.
 */
double_tap_seconds: number, 
/**
 * After this many idle seconds the screen goes back to the grid.
 */
idle_timeout_seconds: number, 
/**
 * Members without a plan may check in (the server may charge a pass).
 */
pay_as_you_go: boolean, 
/**
 * Where member photos are, as an address with `{id}` for the member's Id
 * (`https://photos.example.com/{id}.jpg`); none: tiles show initials.
 */
photo_url: string | null, 
/**
 * The space's accent colour, welcome line and attract screen (the logo is kept apart:
 * `Account::logo`).
 */
branding: Branding, visitors: VisitorSettings, 
/**
 * The language the screen starts in and returns to after each person (`en`, `es-MX`);
 * none: the device's own. A person may switch for themselves on the bar.
 */
language: string | null, };

export type Branding = { 
/**
 * The accent colour as `#rrggbb`, for the light theme (the dark theme keeps its own, which
 * is made for dark backgrounds). It must read on white: 4.5:1 at least (WCAG AA).
 */
accent: string | null, 
/**
 * A line above the grid ("Welcome to Shoreditch Hub").
 */
welcome_line: string | null, 
/**
 * After the idle timeout, an attract screen (clock, logo, welcome line) instead of the grid.
 */
attract_screen: boolean, };

export type PrivacyMode = "full_name" | "first_name_initial" | "initials" | "search_only";

export type AutoCheckoutRule = { "kind": "cut_off", hour: number, minute: number, } | { "kind": "after_hours", hours: number, };

export type Event = { "type": "tapped", member_id: number, outcome: TapOutcome, } | { "type": "sync_progress", pending: number, parked: number, } | { "type": "connectivity", state: Connectivity, } | { "type": "synced", at: string, } | { "type": "members_changed" } | { "type": "settings_changed" } | { "type": "locations_changed" } | { "type": "members_loading", load: MemberLoad | null, } | { "type": "device_revoked", device_id: number, } | { "type": "badge_printed", visit: string, printed: boolean, } | { "type": "peers_changed" };

export type QueueItem = { entry: OutboxEntry, member_id: number | null, member_name: string | null, 
/**
 * For a visitor's entry, the visitor's name (staff see it; the public screen never does).
 */
visitor_name: string | null, at: string | null, };

export type OutboxEntry = { id: number, op: OutboxOp, target: string, status: OutboxStatus, attempts: number, next_attempt_at: string, 
/**
 * Why the last try did not send it (or, once done, why it was taken out of the queue).
 */
last_error: SendProblem | null, 
/**
 * A send may have reached the server: it must be looked up before it is sent again.
 */
in_doubt: boolean, created_at: string, };

export type SendProblem = { "kind": "refused", code: ErrorCode, said: string | null, } | { "kind": "missing_role", role: string | null, } | { "kind": "checkin_refused", why: SendProblem, } | { "kind": "checkin_never_sent" } | { "kind": "missing_here", record: RecordKind, } | { "kind": "deleted_in_nexudus", record: RecordKind, } | { "kind": "undo_needs_role", checkin: number, } | { "kind": "waiting_for", record: RecordKind, } | { "kind": "passing", code: ErrorCode, } | { "kind": "interrupted" } | { "kind": "taken_back" } | { "kind": "text", said: string, };

export type RecordKind = "checkin" | "failed" | "visitor";

export type OutboxOp = "create_checkin" | "close_checkin" | "create_failed" | "withdraw_checkin" | "reopen_checkin" | "amend_checkout" | "visitor_created" | "visitor_arrived" | "visitor_departed";

export type OutboxStatus = "pending" | "claimed" | "done" | "parked";

export type TapMethod = "tile" | "pin" | "card" | "staff";

export type ErrorCode = "invalid" | "secrets" | "unknown_member" | "unknown_pin" | "unknown_card" | "unknown_code" | "wrong_pin" | "locked_out" | "staff_session_ended" | "screen_only" | "wrong_code" | "unknown_device" | "unknown_scrape_token" | "unknown_kiosk" | "peer_unreachable" | "peer_wrong_key" | "peer_unpaired" | "peer_bad_answer" | "no_staff_pin" | "nothing_to_undo" | "not_parked" | "no_location" | "data_dir" | "unsupported" | "unknown_call" | "sync_stopped" | "answer_encoding" | "call_aborted" | "pin_hash" | "undo_raced" | "autostart" | "reminder_unavailable" | "too_many_reminders" | "database_too_new" | "database_corrupt" | "disk_full" | "database_error" | "validation" | "unauthorized" | "two_factor_required" | "must_reset_password" | "login_refused" | "forbidden" | "not_found" | "not_allowed" | "throttled" | "rate_limited" | "server_error" | "unexpected_status" | "offline" | "connection_lost" | "timeout" | "malformed_answer" | "invalid_request" | "no_host" | "foreign_host" | "foreign_origin" | "too_many_streams" | "pairing_required" | "scrape_token_required" | "too_large" | "method_not_allowed" | "unsupported_media_type" | "refused" | "internal";

export type ErrorDto = { code: ErrorCode, message: string, 
/**
 * With `invalid`: the field the value was refused for.
 */
field?: string, 
/**
 * With `wrong_pin`: wrong tries left before the lock-out.
 */
tries_left?: number, 
/**
 * With `locked_out`: seconds until the next try.
 */
seconds?: number, 
/**
 * With `forbidden`: the Nexudus role the account lacks, where known (`Checkin-Create`).
 */
role?: string, };

export type DoctorReport = { lines: Array<DoctorLine>, 
/**
 * Requests the checks made.
 */
requests: number, 
/**
 * The same as a share of the 5,000 requests an hour Nexudus allows a client.
 */
share_of_hourly_budget: string, };

export type DoctorLine = { check: Check, finding: Finding, found: Found, };

export type Finding = "ok" | "fail" | "not_checked";

export type Check = { "kind": "login" } | { "kind": "role", role: string, } | { "kind": "roles", roles: Array<string>, } | { "kind": "location" } | { "kind": "members" } | { "kind": "list_fields" } | { "kind": "batch_fields" } | { "kind": "one_record" } | { "kind": "active_contracts" } | { "kind": "unused_passes" } | { "kind": "pin_reminder" } | { "kind": "write_test" } | { "kind": "write_check_in" } | { "kind": "write_check_out" } | { "kind": "write_undo" } | { "kind": "records" };

export type Found = { "kind": "two_factor_required" } | { "kind": "must_reset_password" } | { "kind": "login_refused" } | { "kind": "login_ended" } | { "kind": "unreachable", address: string, } | { "kind": "login_failed", error: Failure, } | { "kind": "no_password", email: string, } | { "kind": "no_login" } | { "kind": "allowed" } | { "kind": "missing_role", role: string, breaks: Breaks, } | { "kind": "not_logged_in" } | { "kind": "no_such_call", breaks: Breaks, } | { "kind": "could_not_check", error: Failure, } | { "kind": "read_refused", breaks: Breaks, error: Failure, } | { "kind": "visitor_writes_not_checked" } | { "kind": "writes_not_checked" } | { "kind": "write_needs_location" } | { "kind": "no_recent_checkin" } | { "kind": "member_is_in", member: number, checkin: number, since: string, } | { "kind": "presence_unknown", member: number, error: Failure, } | { "kind": "no_location_chosen", locations: Array<Place>, } | { "kind": "not_a_location", id: number, locations: Array<Place>, } | { "kind": "location_zone", name: string, id: number, zone: string, iana: string, } | { "kind": "zone_not_in_cldr", name: string, zone: string, } | { "kind": "no_zone", name: string, } | { "kind": "member_count", count: number, } | { "kind": "list_fields_there" } | { "kind": "list_fields_missing" } | { "kind": "batch_fields_there" } | { "kind": "batch_fields_missing" } | { "kind": "record_with_pin" } | { "kind": "record_without_pin" } | { "kind": "active_contracts", count: number, } | { "kind": "unused_passes", count: number, } | { "kind": "reminder_offered", command: string, } | { "kind": "reminder_no_command" } | { "kind": "reminder_unreadable", error: Failure, } | { "kind": "checkin_created", checkin: number, member: number, } | { "kind": "checkin_closed", checkin: number, } | { "kind": "checkin_deleted", checkin: number, } | { "kind": "test_checkin_left", checkin: number, open: boolean, why: Found, } | { "kind": "every_record_read" } | { "kind": "records_unread", records: Array<Unread>, more: number, };

export type Breaks = "location_picker" | "time_zones" | "team_names" | "visitor_codes" | "no_members" | "member_details" | "offline_pins" | "plans" | "passes" | "other_checkins" | "check_outs" | "failed_twice" | "no_checkins" | "no_checkouts" | "undo_waits";

export type Failure = { code: ErrorCode, said: string | null, };

export type Place = { id: number, name: string, };

export type Unread = { list: RecordList, record_id: number | null, 
/**
 * The field that did not read; empty for the whole record.
 */
field: string, 
/**
 * What came there (`null`, `number`, `missing`...).
 */
shape: string, };

export type StaffSession = { token: string, idle_seconds: number, };

export type Tablets = { pairing: PairingInfo, devices: Array<Device>, wrong_pins: Array<WrongPins>, tls_fingerprint: string | null, };

export type BadgeDesk = { 
/**
 * The printer's address, where one is set.
 */
printer: string | null, 
/**
 * Its condition as last read (every half minute).
 */
condition: PrinterCondition | null, prints: Array<BadgePrint>, };

export type BadgePrint = { visit: string, visitor_name: string, state: PrintState, 
/**
 * Why the printer did not take it (its words, or that it did not answer).
 */
error: string | null, at: string, };

export type LabelSize = "62x29" | "62x100" | "54x101";

export type PrintState = "queued" | "printing" | "printed" | "failed";

export type PrinterCondition = "ready" | "out_of_media" | "stopped" | "unreachable";

export type ScreenBadge = { name: string, company: string | null, 
/**
 * The host's name (the screen says "Host: ..." in its own language).
 */
host: string | null, date: string, qr: string, };

export type Device = { id: number, name: string, paired_at: string, 
/**
 * The address it paired from.
 */
paired_from: string, last_seen: string | null, revoked_at: string | null, };

export type ScrapeToken = { id: number, name: string, created_at: string, last_used: string | null, revoked_at: string | null, };

export type PeerKiosk = { 
/**
 * Its name on the network (the machine's name and a short id).
 */
name: string, 
/**
 * Where its browser face answers (`https://192.168.1.21:8443`).
 */
address: string, 
/**
 * The Nexudus location it serves, once set up.
 */
location_id: number | null, version: string, 
/**
 * Its certificate's SHA-256 fingerprint, as its own staff panel shows it.
 */
fingerprint: string | null, 
/**
 * When it last announced itself.
 */
seen_at: string, 
/**
 * When it said goodbye (stopped), if it did since.
 */
gone_at: string | null, 
/**
 * Set when staff paired this kiosk with it: the two read each other's health.
 */
paired: PairedKiosk | null, };

export type PairedKiosk = { paired_at: string, 
/**
 * Its health at its last good answer (`None` until the first).
 */
health: PeerHealth | null, 
/**
 * When this kiosk last read it.
 */
health_at: string | null, 
/**
 * Why the latest reading failed, if it did (the health shown is then older).
 */
problem: PeerProblem | null, problem_at: string | null, };

export type PeerHealth = { version: string, location_id: number | null, connectivity: Connectivity, 
/**
 * Its last exchange with Nexudus that succeeded.
 */
last_exchange: string | null, 
/**
 * Entries waiting to be sent, and those set aside for staff.
 */
pending: number, parked: number, 
/**
 * When the oldest entry still to send was queued.
 */
oldest_queued: string | null, 
/**
 * Its badge printer's condition; none without a printer.
 */
printer: PrinterCondition | null, 
/**
 * Its clock when it answered.
 */
at: string, };

export type PeerProblem = "unreachable" | "wrong_key" | "unpaired" | "bad_answer";

export type NewScrapeToken = { id: number, token: string, };

export type WrongPins = { caller: Caller, today: number, 
/**
 * Seconds until the next PIN is taken there, while a wait runs.
 */
waiting_seconds: number | null, };

export type Caller = { "kind": "screen" } | { "kind": "tablet", "device_id": number };

/** Every kiosk call (crates/kiosk/src/calls.rs): its arguments and its answer. */
export interface Calls {
  status: { args: Record<string, never>; answer: Status };
  grid: { args: Record<string, never>; answer: Array<Tile> };
  search: { args: { query: string; limit: number | null }; answer: Array<Tile> };
  settings: { args: Record<string, never>; answer: Settings };
  member_photo: { args: { member_id: number }; answer: string | null };
  logo: { args: Record<string, never>; answer: string | null };
  locations: { args: Record<string, never>; answer: Array<Location> };
  tap: { args: { member_id: number }; answer: TapOutcome };
  undo_tap: { args: { member_id: number; checkin: string }; answer: TapOutcome };
  tap_pin: { args: { pin: string }; answer: TapOutcome };
  tap_card: { args: { card: string }; answer: TapOutcome };
  pin_reminder: { args: { email: string }; answer: null };
  visitor_sign_in: { args: { code: string }; answer: VisitorOutcome };
  visitor_sign_out: { args: { code: string }; answer: VisitorOutcome };
  visitor_find: { args: { query: string }; answer: Array<FoundVisitor> };
  visitor_sign_in_by: { args: { visit: string }; answer: VisitorOutcome };
  visitor_sign_out_by: { args: { visit: string }; answer: VisitorOutcome };
  visitor_badge: { args: { visit: string }; answer: ScreenBadge };
  visitor_agreement: { args: { language: string }; answer: AgreementText | null };
  visitor_sign_agreement: { args: { visit: string; signing: Signing }; answer: VisitorOutcome };
  visitor_photo: { args: { visit: string; photo: VisitorPhoto }; answer: VisitorOutcome };
  visitor_returning_company: { args: { email: string; full_name: string }; answer: string | null };
  visitor_hosts: { args: { query: string }; answer: Array<Host> };
  visitor_walk_in: { args: { walk_in: WalkIn }; answer: VisitorOutcome };
  visitor_waiting: { args: { visit: string }; answer: VisitorOutcome };
  walk_ins_now: { args: Record<string, never>; answer: Array<VisitorOutcome> };
  sync_now: { args: Record<string, never>; answer: null };
  staff_unlock: { args: { pin: string }; answer: StaffSession };
  staff_lock: { args: { session: string }; answer: null };
  staff_set_pin: { args: { current: string | null; new: string }; answer: null };
  update_settings: { args: { session: string; settings: Settings }; answer: null };
  staff_queue: { args: { session: string }; answer: Array<QueueItem> };
  staff_retry: { args: { session: string; id: number }; answer: null };
  staff_discard: { args: { session: string; id: number }; answer: null };
  staff_audit: { args: { session: string }; answer: Array<AuditLine> };
  staff_check_account: { args: { session: string; write_test: number | null }; answer: DoctorReport };
  staff_presence: { args: { session: string }; answer: Array<Presence> };
  staff_today: { args: { session: string }; answer: Today };
  staff_occupancy: { args: { session: string }; answer: Occupancy };
  staff_roll_call: { args: { session: string }; answer: RollCall };
  staff_health: { args: { session: string }; answer: Health };
  staff_check_in_for: { args: { session: string; member_id: number }; answer: TapOutcome };
  staff_check_out_for: { args: { session: string; member_id: number }; answer: TapOutcome };
  staff_correct_check_out: { args: { session: string; checkin: string; to_local: string }; answer: null };
  staff_sign_out_visitors: { args: { session: string }; answer: number };
  staff_who_is_in: { args: { session: string }; answer: Array<Tile> };
  staff_login: { args: { session: string; email: string; password: string; totp: string | null; base_url: string | null }; answer: null };
  staff_logout: { args: { session: string }; answer: null };
  staff_tablets: { args: { session: string }; answer: Tablets };
  staff_new_pairing_code: { args: { session: string }; answer: PairingInfo };
  staff_set_logo: { args: { session: string; image: string | null }; answer: null };
  staff_revoke_tablet: { args: { session: string; device_id: number }; answer: null };
  staff_badges: { args: { session: string }; answer: BadgeDesk };
  staff_reprint_badge: { args: { session: string; visit: string }; answer: null };
  staff_signed_agreements: { args: { session: string; days: number }; answer: Array<SignedCopy> };
  staff_agreement_pdf: { args: { session: string; visit: string }; answer: string };
  staff_kiosks: { args: { session: string }; answer: Array<PeerKiosk> };
  staff_pair_kiosk: { args: { session: string; name: string; code: string }; answer: PeerKiosk };
  staff_unpair_kiosk: { args: { session: string; name: string }; answer: null };
  staff_scrape_tokens: { args: { session: string }; answer: Array<ScrapeToken> };
  staff_new_scrape_token: { args: { session: string; name: string | null }; answer: NewScrapeToken };
  staff_revoke_scrape_token: { args: { session: string; token_id: number }; answer: null };
  staff_clear_wrong_pins: { args: { session: string; caller: Caller }; answer: null };
  autostart: { args: { session: string; enabled: boolean | null }; answer: boolean };
  leave_kiosk: { args: { session: string }; answer: null };
  screen_idle: { args: { idle: boolean }; answer: null };
}
