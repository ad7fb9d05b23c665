/** Bad input from the operator (file, flag, argument): exit 1 with the message, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const
}
