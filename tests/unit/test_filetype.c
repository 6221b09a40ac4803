/* Unit tests for core/filetype.c: the streaming polyglot scan, the accept/refuse decision and
 * the libmagic wrapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include <apr_pools.h>

#include "../../core/filetype.h"
#include "suites.h"

static const char PNG_SIG[] = "\x89PNG\r\n\x1a\n";
static const char *const DOCX =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/* Scans buf as one piece, or in pieces of `step` bytes. */
static void scan(cc_scan_t *s, const void *buf, apr_size_t len, apr_size_t step)
{
    const char *p = buf;
    apr_size_t off;
    cc_scan_init(s);
    if (!step) {
        cc_scan_feed(s, buf, len);
        return;
    }
    for (off = 0; off < len; off += step)
        cc_scan_feed(s, p + off, len - off < step ? len - off : step);
}

static const char *decide(const char *mime, const void *buf, apr_size_t len, apr_size_t step,
                          const char **reason)
{
    cc_scan_t s;
    scan(&s, buf, len, step);
    *reason = NULL;
    return cc_filetype_decide(cc_test_pool, mime, &s, reason);
}

START_TEST(test_accepts_each_type_with_its_signature)
{
    const char *reason;
    char buf[64];
    memset(buf, 'x', sizeof(buf));
    memcpy(buf, "%PDF-1.7", 8);
    ck_assert_str_eq(decide("application/pdf", buf, sizeof(buf), 0, &reason), "application/pdf");
    memcpy(buf, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
    ck_assert_str_eq(decide("application/msword", buf, sizeof(buf), 0, &reason),
                     "application/msword");
    memcpy(buf, "PK\003\004", 4);
    memcpy(buf + 40, "PK\005\006", 4); /* a ZIP container has its end record */
    ck_assert_str_eq(decide(DOCX, buf, sizeof(buf), 0, &reason), DOCX);
    memset(buf, 'x', sizeof(buf));
    memcpy(buf, "\xff\xd8\xff\xe0", 4);
    ck_assert_str_eq(decide("image/jpeg", buf, sizeof(buf), 0, &reason), "image/jpeg");
    memcpy(buf, PNG_SIG, 8);
    ck_assert_str_eq(decide("image/png", buf, sizeof(buf), 0, &reason), "image/png");
    ck_assert_ptr_null(reason);
}
END_TEST

START_TEST(test_refuses_other_types_and_wrong_signatures)
{
    const char *reason;
    char buf[32] = "GIF89a....";
    ck_assert_ptr_null(decide("image/gif", buf, sizeof(buf), 0, &reason));
    ck_assert_str_eq(reason, "Unsupported file type (image/gif): only PDF, DOC, DOCX, JPEG and "
                             "PNG files are accepted.");
    ck_assert_ptr_null(decide(NULL, buf, sizeof(buf), 0, &reason));
    ck_assert_str_eq(reason, "Unsupported file type (unknown): only PDF, DOC, DOCX, JPEG and "
                             "PNG files are accepted.");
    /* libmagic says PDF for "%PDF-" found a little further in; we want it at offset 0 */
    memcpy(buf, "  %PDF-1.4", 10);
    ck_assert_ptr_null(decide("application/pdf", buf, sizeof(buf), 0, &reason));
    ck_assert_ptr_nonnull(strstr(reason, "does not start like"));
    /* too short for the signature */
    ck_assert_ptr_null(decide("image/png", PNG_SIG, 4, 0, &reason));
}
END_TEST

/* A marker placed at every offset around piece boundaries, fed in pieces of every size. */
START_TEST(test_markup_found_across_every_split)
{
    const char *const markers[] = {"<script",          "<HTML",  "<sVg", "<?php", "<!DOCTYPE html",
                                   "<?xml-stylesheet", "<iframe"};
    char buf[128];
    unsigned m;
    apr_size_t pos, step;
    const char *reason;
    for (m = 0; m < sizeof(markers) / sizeof(markers[0]); m++) {
        apr_size_t n = strlen(markers[m]);
        for (pos = 8; pos + n <= sizeof(buf); pos += 3) {
            memset(buf, 'z', sizeof(buf));
            memcpy(buf, PNG_SIG, 8);
            memcpy(buf + pos, markers[m], n);
            for (step = 0; step <= 33; step++) {
                ck_assert_msg(!decide("image/png", buf, sizeof(buf), step, &reason),
                              "%s at %lu step %lu", markers[m], (unsigned long)pos,
                              (unsigned long)step);
                ck_assert_ptr_nonnull(strstr(reason, "markup"));
            }
        }
    }
    /* near misses are fine */
    memset(buf, 'z', sizeof(buf));
    memcpy(buf, PNG_SIG, 8);
    memcpy(buf + 20, "<scrip", 6);
    memcpy(buf + 40, "< html", 6);
    memcpy(buf + 60, "<w:body>", 8);
    for (step = 0; step <= 17; step++)
        ck_assert_ptr_nonnull(decide("image/png", buf, sizeof(buf), step, &reason));
}
END_TEST

START_TEST(test_zip_end_record_near_the_end_is_a_polyglot)
{
    static char buf[70000];
    const char *reason;
    apr_size_t step;
    memset(buf, 'q', sizeof(buf));
    memcpy(buf, "\xff\xd8\xff\xe0", 4);
    memcpy(buf + sizeof(buf) - 30, "PK\005\006", 4);
    for (step = 0; step <= 5000; step += 1000)
        ck_assert_ptr_null(decide("image/jpeg", buf, sizeof(buf), step, &reason));
    ck_assert_ptr_nonnull(strstr(reason, "ZIP"));
    /* split right inside the record */
    ck_assert_ptr_null(decide("image/jpeg", buf, sizeof(buf), sizeof(buf) - 28, &reason));
    /* an end record further than 64 KiB + 22 from the end is not where readers look */
    memset(buf + sizeof(buf) - 30, 'q', 4);
    memcpy(buf + 100, "PK\005\006", 4);
    ck_assert_ptr_nonnull(decide("image/jpeg", buf, sizeof(buf), 0, &reason));
}
END_TEST

START_TEST(test_pdf_header_in_another_type)
{
    static char buf[4096];
    const char *reason;
    memset(buf, 'q', sizeof(buf));
    memcpy(buf, PNG_SIG, 8);
    memcpy(buf + 1000, "%PDF-1.5", 8);
    ck_assert_ptr_null(decide("image/png", buf, sizeof(buf), 0, &reason));
    ck_assert_ptr_null(decide("image/png", buf, sizeof(buf), 1001, &reason)); /* split */
    ck_assert_ptr_nonnull(strstr(reason, "PDF header"));
    memset(buf + 1000, 'q', 8);
    memcpy(buf + 2000, "%PDF-1.5", 8); /* past the 1024 bytes PDF readers search */
    ck_assert_ptr_nonnull(decide("image/png", buf, sizeof(buf), 0, &reason));
}
END_TEST

START_TEST(test_scan_counts_and_head)
{
    cc_scan_t s;
    scan(&s, "abcdefghijklmnop", 16, 3);
    ck_assert_int_eq(s.size, 16);
    ck_assert_int_eq(s.head_len, 8);
    ck_assert_int_eq(memcmp(s.head, "abcdefgh", 8), 0);
    ck_assert_int_eq(s.found, 0);
    ck_assert_int_eq(s.last_eocd, -1);
}
END_TEST

START_TEST(test_libmagic_on_a_file)
{
    const char *err = NULL, *mime;
    cc_magic_t *m = cc_magic_open(cc_test_pool, &err);
    char path[] = "/tmp/cc-filetype-XXXXXX";
    int fd;
    /* a 1x1 PNG: signature and IHDR are what libmagic reads */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0,   0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    0,    1,    0,   0, 0, 1,
                                        8,    2,   0,   0,   0,    0x90, 0x77, 0x53, 0xde};
    ck_assert_msg(m != NULL, "%s", err ? err : "?");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(write(fd, png, sizeof(png)), (int)sizeof(png));
    mime = cc_magic_fd(m, cc_test_pool, fd);
    ck_assert_str_eq(mime, "image/png");
    ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), (int)sizeof(png)); /* offset restored */
    ck_assert_int_eq(ftruncate(fd, 0), 0);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(write(fd, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41), 41);
    ck_assert_str_eq(cc_magic_fd(m, cc_test_pool, fd), "image/svg+xml");
    close(fd);
}
END_TEST

Suite *cc_filetype_suite(void)
{
    Suite *s = suite_create("filetype");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tc, test_accepts_each_type_with_its_signature);
    tcase_add_test(tc, test_refuses_other_types_and_wrong_signatures);
    tcase_add_test(tc, test_markup_found_across_every_split);
    tcase_add_test(tc, test_zip_end_record_near_the_end_is_a_polyglot);
    tcase_add_test(tc, test_pdf_header_in_another_type);
    tcase_add_test(tc, test_scan_counts_and_head);
    tcase_add_test(tc, test_libmagic_on_a_file);
    suite_add_tcase(s, tc);
    return s;
}
