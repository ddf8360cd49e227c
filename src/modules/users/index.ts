/** Public surface of the users module. */
export { presentSelf, presentProfile } from './users.presenter';
export { usersRepository } from './users.repository';
export { staffUsersRepository } from './staff-users.repository';
