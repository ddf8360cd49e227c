import type { User } from '../../../db/schema';

/** The signed-in user's own view of their account. */
export function presentSelf(user: User) {
  return {
    id: user.id,
    phoneNumber: user.phoneNumber,
    displayName: user.displayName,
    email: user.email,
    avatarUrl: user.avatarUrl,
    role: user.role,
    locale: user.locale,
    createdAt: user.createdAt.toISOString(),
    deletedAt: user.deletedAt?.toISOString() ?? null,
  };
}

/** What anyone may see of a user: never the phone number. */
export function presentProfile(user: User, rating: { average: number | null; count: number }) {
  return {
    id: user.id,
    displayName: user.displayName,
    avatarUrl: user.avatarUrl,
    ratingAverage: rating.average,
    ratingCount: rating.count,
    memberSince: user.createdAt.toISOString(),
  };
}
