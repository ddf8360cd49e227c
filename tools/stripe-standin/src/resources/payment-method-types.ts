/**
 * Payment method types that send the customer to a bank's or wallet's page (and back to a
 * `return_url`). With `automatic_payment_methods[allow_redirects]=never` Stripe leaves them out of
 * the intent's `payment_method_types`, so nothing confirmed on it can redirect.
 */
export const REDIRECT_TYPES: readonly string[] = [
  'affirm', 'afterpay_clearpay', 'alipay', 'amazon_pay', 'bancontact', 'cashapp', 'eps', 'giropay', 'ideal', 'klarna',
  'mobilepay', 'p24', 'paypal', 'revolut_pay', 'sofort', 'twint', 'wechat_pay',
];

export const isRedirectType = (type: string): boolean => REDIRECT_TYPES.includes(type);
