/** Public surface of the admin (staff console) module. */
export { getDisputeCase, listDisputes, messageParties } from './dispute-cases';
export { getUserForStaff, searchUsers, setSuspension } from './admin-users';
export { takeDown } from './admin-listings';
export { addCategory, changeCategory, listCategories } from './admin-categories';
export { requirePermission } from './admin.policy';
export { grantRole } from './grant-role';
