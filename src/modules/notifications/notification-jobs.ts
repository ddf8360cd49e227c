/** The notification job is built through the job catalogue in shared (modules that notify import it from there). */
export { notificationJob, SMS_TYPES, type NotificationInput, type NotificationType } from '../../shared/jobs/notification-jobs';
