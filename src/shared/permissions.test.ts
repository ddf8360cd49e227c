import { can, isStaff } from './permissions';

describe('permissions', () => {
  it('gives users no staff permission', () => {
    expect(can('user', 'disputes:read')).toBe(false);
    expect(isStaff('user')).toBe(false);
  });
  it('lets support work disputes through a wildcard but not manage safe zones', () => {
    expect(can('support', 'disputes:resolve')).toBe(true);
    expect(can('support', 'disputes:read')).toBe(true);
    expect(can('support', 'safe_zones:manage')).toBe(false);
    expect(can('support', 'users:suspend')).toBe(false);
  });
  it('lets admins do everything', () => {
    expect(can('admin', 'safe_zones:manage')).toBe(true);
    expect(can('admin', 'users:suspend')).toBe(true);
  });
});
