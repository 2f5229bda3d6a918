/*
 * utf8.h -- text that every JSON, HTML and BSON output can carry. Input
 * fields are bytes (a brand, a category code): where they are not valid
 * UTF-8, the invalid bytes are replaced by U+FFFD (EF BF BD) as the Unicode
 * standard recommends (§3.9, "maximal subparts": one U+FFFD for the longest
 * start of a valid sequence, else for one byte), which is also what
 * Python's bytes.decode("utf-8", "replace") does. Overlong forms,
 * surrogates (ED A0..BF) and values above U+10FFFF are invalid.
 * CSV outputs keep the input's bytes as they are.
 *
 * Ownership: ec_utf8_fix() returns s itself when it is valid (nothing
 * allocated), else a new string that the caller frees; compare to know.
 */
#ifndef ECOMCTL_UTF8_H
#define ECOMCTL_UTF8_H

#include <stddef.h>

/* Length of the valid sequence at s (1 to 4), or 0 when s[0] starts no
 * valid sequence within n bytes. */
size_t ec_utf8_seq(const unsigned char *s, size_t n);

/* 1 when the n bytes are valid UTF-8. */
int ec_utf8_valid(const char *s, size_t n);

/* The n bytes at s repaired: NULL when they are valid (nothing to do),
 * else a new NUL-terminated string of *out_n bytes; free() it. */
char *ec_utf8_repair(const char *s, size_t n, size_t *out_n);

/* s (NUL-terminated) with every invalid sequence replaced by U+FFFD. */
const char *ec_utf8_fix(const char *s);

#endif
