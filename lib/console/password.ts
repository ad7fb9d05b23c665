/**
 * Console passwords: argon2id (the library's default; the Rust binding needs no compiler and no install script),
 * as a PHC string that carries its parameters.
 */
import { hash, verify } from '@node-rs/argon2'

export const MIN_PASSWORD_LENGTH = 10

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`
  if (password.length > 1024) return 'a password of at most 1024 characters'
  return undefined
}

export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false // not a hash we can read
  }
}

let decoy: Promise<string> | undefined
/** A hash nobody's password matches, verified for unknown names so that they take as long as known ones. */
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword('a decoy password for unknown user names'))
}
