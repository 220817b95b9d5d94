import { describe, expect, it } from 'vitest';
import { rollCallCsv } from '../src/lib/rollcall';
import { howKey, translate } from '../src/lib/i18n';
import type { RollCall } from '../src/lib/types';

describe('the roll-call file', () => {
  it('quotes every field, doubles quotes, and carries where, when and how fresh on its first line', () => {
    const roll: RollCall = {
      generated_at: '2026-11-30T10:00:00Z',
      generated_local: '2026-11-30 10:00',
      location: 'Shoreditch Hub',
      data_as_of: '2026-11-30T09:59:30Z',
      connectivity: 'online',
      people: [
        {
          member_id: 7,
          visit: null,
          name: 'Zoë "Zo" Ødegaard',
          detail: 'Acme, Ltd',
          since: '2026-11-30T08:00:00Z',
          since_local: '08:00',
          how: 'tile',
          checkin: null,
        },
        {
          member_id: null,
          visit: 'v-1',
          name: 'Ingrid Bergström',
          detail: 'José García',
          since: '2026-11-30T09:00:00Z',
          since_local: '09:00',
          how: 'invited',
          checkin: null,
        },
      ],
    };
    const csv = rollCallCsv(roll, {
      title: 'Roll-call',
      headings: ['Name', 'Kind', 'Detail', 'In since', 'How'],
      kind: (p) => (p.member_id === null ? 'visitor' : 'member'),
      how: (p) => p.how,
    });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('"Roll-call","Shoreditch Hub","2026-11-30 10:00","2026-11-30T09:59:30Z"');
    expect(lines[2]).toBe('"Zoë ""Zo"" Ødegaard","member","Acme, Ltd","08:00","tile"');
    expect(lines[3]).toBe('"Ingrid Bergström","visitor","José García","09:00","invited"');
    expect(lines).toHaveLength(5);
    expect(lines[4], 'ends with a line break').toBe('');
  });

  it("words every column in staff's language, whether each person is a member or a visitor too", () => {
    const roll: RollCall = {
      generated_at: '2026-11-30T10:00:00Z',
      generated_local: '2026-11-30 10:00',
      location: 'Malasaña',
      data_as_of: null,
      connectivity: 'offline',
      people: [
        { member_id: 7, visit: null, name: 'Ana', detail: null, since: '2026-11-30T08:00:00Z', since_local: '08:00', how: 'tile', checkin: null },
        { member_id: null, visit: 'v-1', name: 'Ingrid', detail: null, since: '2026-11-30T09:00:00Z', since_local: '09:00', how: 'invited', checkin: null },
      ],
    };
    const csv = rollCallCsv(roll, {
      title: 'Recuento',
      headings: ['Nombre', 'Tipo', 'Detalle', 'Desde', 'Cómo'],
      kind: (p) => translate('es', p.member_id === null ? 'rollCallVisitor' : 'rollCallMember'),
      how: (p) => translate('es', howKey[p.how]),
    });
    const [, , ana, ingrid] = csv.split('\r\n');
    expect(ana).toBe(`"Ana","${translate('es', 'rollCallMember')}","","08:00","${translate('es', 'howTile')}"`);
    expect(ingrid).toBe(`"Ingrid","${translate('es', 'rollCallVisitor')}","","09:00","${translate('es', 'howInvited')}"`);
    expect(csv, 'no English word left').not.toMatch(/member|visitor/);
  });
});
