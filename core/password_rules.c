/*
 * Password rules equivalent to Django's default AUTH_PASSWORD_VALIDATORS; see password_rules.h.
 *
 * Django works on Python str, so lengths, similarity and the character classes below are per
 * Unicode code point, not per byte. The Unicode tables were generated from str.lower(),
 * str.isdigit() and str.isalnum() of CPython 3.11 (Unicode 14.0), the interpreter Debian 12 runs
 * Django with, over every code point; they match it exactly for all assigned code points. The one
 * known difference is that a capital sigma always lower-cases to U+03C3, where str.lower() uses
 * the final form U+03C2 at the end of a word.
 */

#include "password_rules.h"
#include "utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Generated from core/data/common-passwords.txt by core/gen_wordlist.sh, sorted bytewise. */
extern const char *const cc_common_passwords[];
extern const unsigned cc_common_passwords_count;

/* Django's defaults: MinimumLengthValidator(min_length=8) and
 * UserAttributeSimilarityValidator(max_similarity=0.7). */
#define CC_MIN_LENGTH 8
#define CC_MAX_SIMILARITY 0.7

/* Bounds for the exact ratio(), whose matching is quadratic or worse in the input length. */
#define CC_RATIO_MAX_LEN 65536
#define CC_RATIO_MAX_WORK ((size_t)1 << 25)

/* Python's surrogateescape maps an undecodable byte b to U+DC00 + b; such a value can never come
 * out of valid UTF-8, so an invalid byte never compares equal to a real character. */
#define CC_ESCAPE_BASE 0xDC00u

static const char msg_similar_first_name[] = "The password is too similar to the first name.";
static const char msg_similar_last_name[] = "The password is too similar to the last name.";
static const char msg_similar_email[] = "The password is too similar to the email address.";
static const char msg_too_short[] =
    "This password is too short. It must contain at least 8 characters.";
static const char msg_too_common[] = "This password is too common.";
static const char msg_numeric[] = "This password is entirely numeric.";

typedef struct {
    uint32_t first;
    uint32_t last;
} cp_range;

typedef struct {
    uint32_t first;
    uint32_t last;
    uint32_t step;
    int32_t delta;
} lower_run;

/* str.lower() for every code point whose lower case is a single, different code point: within a
 * run, first, first + step, ... map to themselves plus delta. U+0130 is handled separately because
 * it lower-cases to two code points. */
// clang-format off
static const lower_run lower_runs[] = {
    {0x0041, 0x005A, 1, 32}, {0x00C0, 0x00D6, 1, 32}, {0x00D8, 0x00DE, 1, 32},
    {0x0100, 0x012E, 2, 1}, {0x0132, 0x0136, 2, 1}, {0x0139, 0x0147, 2, 1},
    {0x014A, 0x0176, 2, 1}, {0x0178, 0x0178, 1, -121}, {0x0179, 0x017D, 2, 1},
    {0x0181, 0x0181, 1, 210}, {0x0182, 0x0184, 2, 1}, {0x0186, 0x0186, 1, 206},
    {0x0187, 0x0187, 1, 1}, {0x0189, 0x018A, 1, 205}, {0x018B, 0x018B, 1, 1},
    {0x018E, 0x018E, 1, 79}, {0x018F, 0x018F, 1, 202}, {0x0190, 0x0190, 1, 203},
    {0x0191, 0x0191, 1, 1}, {0x0193, 0x0193, 1, 205}, {0x0194, 0x0194, 1, 207},
    {0x0196, 0x0196, 1, 211}, {0x0197, 0x0197, 1, 209}, {0x0198, 0x0198, 1, 1},
    {0x019C, 0x019C, 1, 211}, {0x019D, 0x019D, 1, 213}, {0x019F, 0x019F, 1, 214},
    {0x01A0, 0x01A4, 2, 1}, {0x01A6, 0x01A6, 1, 218}, {0x01A7, 0x01A7, 1, 1},
    {0x01A9, 0x01A9, 1, 218}, {0x01AC, 0x01AC, 1, 1}, {0x01AE, 0x01AE, 1, 218},
    {0x01AF, 0x01AF, 1, 1}, {0x01B1, 0x01B2, 1, 217}, {0x01B3, 0x01B5, 2, 1},
    {0x01B7, 0x01B7, 1, 219}, {0x01B8, 0x01B8, 1, 1}, {0x01BC, 0x01BC, 1, 1},
    {0x01C4, 0x01C4, 1, 2}, {0x01C5, 0x01C5, 1, 1}, {0x01C7, 0x01C7, 1, 2},
    {0x01C8, 0x01C8, 1, 1}, {0x01CA, 0x01CA, 1, 2}, {0x01CB, 0x01DB, 2, 1},
    {0x01DE, 0x01EE, 2, 1}, {0x01F1, 0x01F1, 1, 2}, {0x01F2, 0x01F4, 2, 1},
    {0x01F6, 0x01F6, 1, -97}, {0x01F7, 0x01F7, 1, -56}, {0x01F8, 0x021E, 2, 1},
    {0x0220, 0x0220, 1, -130}, {0x0222, 0x0232, 2, 1}, {0x023A, 0x023A, 1, 10795},
    {0x023B, 0x023B, 1, 1}, {0x023D, 0x023D, 1, -163}, {0x023E, 0x023E, 1, 10792},
    {0x0241, 0x0241, 1, 1}, {0x0243, 0x0243, 1, -195}, {0x0244, 0x0244, 1, 69},
    {0x0245, 0x0245, 1, 71}, {0x0246, 0x024E, 2, 1}, {0x0370, 0x0372, 2, 1},
    {0x0376, 0x0376, 1, 1}, {0x037F, 0x037F, 1, 116}, {0x0386, 0x0386, 1, 38},
    {0x0388, 0x038A, 1, 37}, {0x038C, 0x038C, 1, 64}, {0x038E, 0x038F, 1, 63},
    {0x0391, 0x03A1, 1, 32}, {0x03A3, 0x03AB, 1, 32}, {0x03CF, 0x03CF, 1, 8},
    {0x03D8, 0x03EE, 2, 1}, {0x03F4, 0x03F4, 1, -60}, {0x03F7, 0x03F7, 1, 1},
    {0x03F9, 0x03F9, 1, -7}, {0x03FA, 0x03FA, 1, 1}, {0x03FD, 0x03FF, 1, -130},
    {0x0400, 0x040F, 1, 80}, {0x0410, 0x042F, 1, 32}, {0x0460, 0x0480, 2, 1},
    {0x048A, 0x04BE, 2, 1}, {0x04C0, 0x04C0, 1, 15}, {0x04C1, 0x04CD, 2, 1},
    {0x04D0, 0x052E, 2, 1}, {0x0531, 0x0556, 1, 48}, {0x10A0, 0x10C5, 1, 7264},
    {0x10C7, 0x10C7, 1, 7264}, {0x10CD, 0x10CD, 1, 7264}, {0x13A0, 0x13EF, 1, 38864},
    {0x13F0, 0x13F5, 1, 8}, {0x1C90, 0x1CBA, 1, -3008}, {0x1CBD, 0x1CBF, 1, -3008},
    {0x1E00, 0x1E94, 2, 1}, {0x1E9E, 0x1E9E, 1, -7615}, {0x1EA0, 0x1EFE, 2, 1},
    {0x1F08, 0x1F0F, 1, -8}, {0x1F18, 0x1F1D, 1, -8}, {0x1F28, 0x1F2F, 1, -8},
    {0x1F38, 0x1F3F, 1, -8}, {0x1F48, 0x1F4D, 1, -8}, {0x1F59, 0x1F5F, 2, -8},
    {0x1F68, 0x1F6F, 1, -8}, {0x1F88, 0x1F8F, 1, -8}, {0x1F98, 0x1F9F, 1, -8},
    {0x1FA8, 0x1FAF, 1, -8}, {0x1FB8, 0x1FB9, 1, -8}, {0x1FBA, 0x1FBB, 1, -74},
    {0x1FBC, 0x1FBC, 1, -9}, {0x1FC8, 0x1FCB, 1, -86}, {0x1FCC, 0x1FCC, 1, -9},
    {0x1FD8, 0x1FD9, 1, -8}, {0x1FDA, 0x1FDB, 1, -100}, {0x1FE8, 0x1FE9, 1, -8},
    {0x1FEA, 0x1FEB, 1, -112}, {0x1FEC, 0x1FEC, 1, -7}, {0x1FF8, 0x1FF9, 1, -128},
    {0x1FFA, 0x1FFB, 1, -126}, {0x1FFC, 0x1FFC, 1, -9}, {0x2126, 0x2126, 1, -7517},
    {0x212A, 0x212A, 1, -8383}, {0x212B, 0x212B, 1, -8262}, {0x2132, 0x2132, 1, 28},
    {0x2160, 0x216F, 1, 16}, {0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 1, 26},
    {0x2C00, 0x2C2F, 1, 48}, {0x2C60, 0x2C60, 1, 1}, {0x2C62, 0x2C62, 1, -10743},
    {0x2C63, 0x2C63, 1, -3814}, {0x2C64, 0x2C64, 1, -10727}, {0x2C67, 0x2C6B, 2, 1},
    {0x2C6D, 0x2C6D, 1, -10780}, {0x2C6E, 0x2C6E, 1, -10749}, {0x2C6F, 0x2C6F, 1, -10783},
    {0x2C70, 0x2C70, 1, -10782}, {0x2C72, 0x2C72, 1, 1}, {0x2C75, 0x2C75, 1, 1},
    {0x2C7E, 0x2C7F, 1, -10815}, {0x2C80, 0x2CE2, 2, 1}, {0x2CEB, 0x2CED, 2, 1},
    {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 2, 1}, {0xA680, 0xA69A, 2, 1},
    {0xA722, 0xA72E, 2, 1}, {0xA732, 0xA76E, 2, 1}, {0xA779, 0xA77B, 2, 1},
    {0xA77D, 0xA77D, 1, -35332}, {0xA77E, 0xA786, 2, 1}, {0xA78B, 0xA78B, 1, 1},
    {0xA78D, 0xA78D, 1, -42280}, {0xA790, 0xA792, 2, 1}, {0xA796, 0xA7A8, 2, 1},
    {0xA7AA, 0xA7AA, 1, -42308}, {0xA7AB, 0xA7AB, 1, -42319}, {0xA7AC, 0xA7AC, 1, -42315},
    {0xA7AD, 0xA7AD, 1, -42305}, {0xA7AE, 0xA7AE, 1, -42308}, {0xA7B0, 0xA7B0, 1, -42258},
    {0xA7B1, 0xA7B1, 1, -42282}, {0xA7B2, 0xA7B2, 1, -42261}, {0xA7B3, 0xA7B3, 1, 928},
    {0xA7B4, 0xA7C2, 2, 1}, {0xA7C4, 0xA7C4, 1, -48}, {0xA7C5, 0xA7C5, 1, -42307},
    {0xA7C6, 0xA7C6, 1, -35384}, {0xA7C7, 0xA7C9, 2, 1}, {0xA7D0, 0xA7D0, 1, 1},
    {0xA7D6, 0xA7D8, 2, 1}, {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 1, 32},
    {0x10400, 0x10427, 1, 40}, {0x104B0, 0x104D3, 1, 40}, {0x10570, 0x1057A, 1, 39},
    {0x1057C, 0x1058A, 1, 39}, {0x1058C, 0x10592, 1, 39}, {0x10594, 0x10595, 1, 39},
    {0x10C80, 0x10CB2, 1, 64}, {0x118A0, 0x118BF, 1, 32}, {0x16E40, 0x16E5F, 1, 32},
    {0x1E900, 0x1E921, 1, 34},
};
// clang-format on

/* Code points for which str.isdigit() is true. */
// clang-format off
static const cp_range digit_ranges[] = {
    {0x0030, 0x0039}, {0x00B2, 0x00B3}, {0x00B9, 0x00B9}, {0x0660, 0x0669},
    {0x06F0, 0x06F9}, {0x07C0, 0x07C9}, {0x0966, 0x096F}, {0x09E6, 0x09EF},
    {0x0A66, 0x0A6F}, {0x0AE6, 0x0AEF}, {0x0B66, 0x0B6F}, {0x0BE6, 0x0BEF},
    {0x0C66, 0x0C6F}, {0x0CE6, 0x0CEF}, {0x0D66, 0x0D6F}, {0x0DE6, 0x0DEF},
    {0x0E50, 0x0E59}, {0x0ED0, 0x0ED9}, {0x0F20, 0x0F29}, {0x1040, 0x1049},
    {0x1090, 0x1099}, {0x1369, 0x1371}, {0x17E0, 0x17E9}, {0x1810, 0x1819},
    {0x1946, 0x194F}, {0x19D0, 0x19DA}, {0x1A80, 0x1A89}, {0x1A90, 0x1A99},
    {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59},
    {0x2070, 0x2070}, {0x2074, 0x2079}, {0x2080, 0x2089}, {0x2460, 0x2468},
    {0x2474, 0x247C}, {0x2488, 0x2490}, {0x24EA, 0x24EA}, {0x24F5, 0x24FD},
    {0x24FF, 0x24FF}, {0x2776, 0x277E}, {0x2780, 0x2788}, {0x278A, 0x2792},
    {0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9}, {0xFF10, 0xFF19},
    {0x104A0, 0x104A9}, {0x10A40, 0x10A43}, {0x10D30, 0x10D39}, {0x10E60, 0x10E68},
    {0x11052, 0x1105A}, {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F},
    {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9},
    {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
    {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
    {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF},
    {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959}, {0x1F100, 0x1F10A},
    {0x1FBF0, 0x1FBF9},
};
// clang-format on

/* Non-ASCII code points that re's \w does not match (neither str.isalnum() nor "_"). Ranges
 * may run over unassigned code points, whose class does not matter here. */
// clang-format off
static const cp_range nonword_ranges[] = {
    {0x0080, 0x00A9}, {0x00AB, 0x00B1}, {0x00B4, 0x00B4}, {0x00B6, 0x00B8},
    {0x00BB, 0x00BB}, {0x00BF, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},
    {0x02C2, 0x02C5}, {0x02D2, 0x02DF}, {0x02E5, 0x02EB}, {0x02ED, 0x02ED},
    {0x02EF, 0x036F}, {0x0375, 0x0375}, {0x037E, 0x037E}, {0x0384, 0x0385},
    {0x0387, 0x0387}, {0x03F6, 0x03F6}, {0x0482, 0x0489}, {0x055A, 0x055F},
    {0x0589, 0x05C7}, {0x05F3, 0x061F}, {0x064B, 0x065F}, {0x066A, 0x066D},
    {0x0670, 0x0670}, {0x06D4, 0x06D4}, {0x06D6, 0x06E4}, {0x06E7, 0x06ED},
    {0x06FD, 0x06FE}, {0x0700, 0x070F}, {0x0711, 0x0711}, {0x0730, 0x074A},
    {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x07F6, 0x07F9}, {0x07FD, 0x07FF},
    {0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x083E},
    {0x0859, 0x085E}, {0x0888, 0x0888}, {0x0890, 0x089F}, {0x08CA, 0x0903},
    {0x093A, 0x093C}, {0x093E, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0965},
    {0x0970, 0x0970}, {0x0981, 0x0983}, {0x09BC, 0x09BC}, {0x09BE, 0x09CD},
    {0x09D7, 0x09D7}, {0x09E2, 0x09E3}, {0x09F2, 0x09F3}, {0x09FA, 0x09FB},
    {0x09FD, 0x0A03}, {0x0A3C, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A83},
    {0x0ABC, 0x0ABC}, {0x0ABE, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0AF0, 0x0AF1},
    {0x0AFA, 0x0B03}, {0x0B3C, 0x0B3C}, {0x0B3E, 0x0B57}, {0x0B62, 0x0B63},
    {0x0B70, 0x0B70}, {0x0B82, 0x0B82}, {0x0BBE, 0x0BCD}, {0x0BD7, 0x0BD7},
    {0x0BF3, 0x0C04}, {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C56}, {0x0C62, 0x0C63},
    {0x0C77, 0x0C77}, {0x0C7F, 0x0C7F}, {0x0C81, 0x0C84}, {0x0CBC, 0x0CBC},
    {0x0CBE, 0x0CD6}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D03}, {0x0D3B, 0x0D3C},
    {0x0D3E, 0x0D4D}, {0x0D4F, 0x0D4F}, {0x0D57, 0x0D57}, {0x0D62, 0x0D63},
    {0x0D79, 0x0D79}, {0x0D81, 0x0D83}, {0x0DCA, 0x0DDF}, {0x0DF2, 0x0DF4},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3F}, {0x0E47, 0x0E4F}, {0x0E5A, 0x0E5B},
    {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECD}, {0x0F01, 0x0F1F},
    {0x0F34, 0x0F3F}, {0x0F71, 0x0F87}, {0x0F8D, 0x0FDA}, {0x102B, 0x103E},
    {0x104A, 0x104F}, {0x1056, 0x1059}, {0x105E, 0x1060}, {0x1062, 0x1064},
    {0x1067, 0x106D}, {0x1071, 0x1074}, {0x1082, 0x108D}, {0x108F, 0x108F},
    {0x109A, 0x109F}, {0x10FB, 0x10FB}, {0x135D, 0x1368}, {0x1390, 0x1399},
    {0x1400, 0x1400}, {0x166D, 0x166E}, {0x1680, 0x1680}, {0x169B, 0x169C},
    {0x16EB, 0x16ED}, {0x1712, 0x1715}, {0x1732, 0x1736}, {0x1752, 0x1753},
    {0x1772, 0x1773}, {0x17B4, 0x17D6}, {0x17D8, 0x17DB}, {0x17DD, 0x17DD},
    {0x1800, 0x180F}, {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x1920, 0x1945},
    {0x19DE, 0x19FF}, {0x1A17, 0x1A1F}, {0x1A55, 0x1A7F}, {0x1AA0, 0x1AA6},
    {0x1AA8, 0x1B04}, {0x1B34, 0x1B44}, {0x1B5A, 0x1B82}, {0x1BA1, 0x1BAD},
    {0x1BE6, 0x1BFF}, {0x1C24, 0x1C3F}, {0x1C7E, 0x1C7F}, {0x1CC0, 0x1CE8},
    {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF7, 0x1CF9}, {0x1DC0, 0x1DFF},
    {0x1FBD, 0x1FBD}, {0x1FBF, 0x1FC1}, {0x1FCD, 0x1FCF}, {0x1FDD, 0x1FDF},
    {0x1FED, 0x1FEF}, {0x1FFD, 0x206F}, {0x207A, 0x207E}, {0x208A, 0x208E},
    {0x20A0, 0x2101}, {0x2103, 0x2106}, {0x2108, 0x2109}, {0x2114, 0x2114},
    {0x2116, 0x2118}, {0x211E, 0x2123}, {0x2125, 0x2125}, {0x2127, 0x2127},
    {0x2129, 0x2129}, {0x212E, 0x212E}, {0x213A, 0x213B}, {0x2140, 0x2144},
    {0x214A, 0x214D}, {0x214F, 0x214F}, {0x218A, 0x244A}, {0x249C, 0x24E9},
    {0x2500, 0x2775}, {0x2794, 0x2BFF}, {0x2CE5, 0x2CEA}, {0x2CEF, 0x2CF1},
    {0x2CF9, 0x2CFC}, {0x2CFE, 0x2CFF}, {0x2D70, 0x2D7F}, {0x2DE0, 0x2E2E},
    {0x2E30, 0x3004}, {0x3008, 0x3020}, {0x302A, 0x3030}, {0x3036, 0x3037},
    {0x303D, 0x303F}, {0x3099, 0x309C}, {0x30A0, 0x30A0}, {0x30FB, 0x30FB},
    {0x3190, 0x3191}, {0x3196, 0x319F}, {0x31C0, 0x31E3}, {0x3200, 0x321E},
    {0x322A, 0x3247}, {0x3250, 0x3250}, {0x3260, 0x327F}, {0x328A, 0x32B0},
    {0x32C0, 0x33FF}, {0x4DC0, 0x4DFF}, {0xA490, 0xA4C6}, {0xA4FE, 0xA4FF},
    {0xA60D, 0xA60F}, {0xA66F, 0xA67E}, {0xA69E, 0xA69F}, {0xA6F0, 0xA716},
    {0xA720, 0xA721}, {0xA789, 0xA78A}, {0xA802, 0xA802}, {0xA806, 0xA806},
    {0xA80B, 0xA80B}, {0xA823, 0xA82C}, {0xA836, 0xA839}, {0xA874, 0xA881},
    {0xA8B4, 0xA8CF}, {0xA8E0, 0xA8F1}, {0xA8F8, 0xA8FA}, {0xA8FC, 0xA8FC},
    {0xA8FF, 0xA8FF}, {0xA926, 0xA92F}, {0xA947, 0xA95F}, {0xA980, 0xA983},
    {0xA9B3, 0xA9CD}, {0xA9DE, 0xA9DF}, {0xA9E5, 0xA9E5}, {0xAA29, 0xAA36},
    {0xAA43, 0xAA43}, {0xAA4C, 0xAA4D}, {0xAA5C, 0xAA5F}, {0xAA77, 0xAA79},
    {0xAA7B, 0xAA7D}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8},
    {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAADE, 0xAADF}, {0xAAEB, 0xAAF1},
    {0xAAF5, 0xAAF6}, {0xAB5B, 0xAB5B}, {0xAB6A, 0xAB6B}, {0xABE3, 0xABED},
    {0xFB1E, 0xFB1E}, {0xFB29, 0xFB29}, {0xFBB2, 0xFBC2}, {0xFD3E, 0xFD4F},
    {0xFDCF, 0xFDCF}, {0xFDFC, 0xFE6B}, {0xFEFF, 0xFF0F}, {0xFF1A, 0xFF20},
    {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0xFFE0, 0xFFFD}, {0x10100, 0x10102},
    {0x10137, 0x1013F}, {0x10179, 0x10189}, {0x1018C, 0x101FD}, {0x102E0, 0x102E0},
    {0x10376, 0x1037A}, {0x1039F, 0x1039F}, {0x103D0, 0x103D0}, {0x1056F, 0x1056F},
    {0x10857, 0x10857}, {0x10877, 0x10878}, {0x1091F, 0x1091F}, {0x1093F, 0x1093F},
    {0x10A01, 0x10A0F}, {0x10A38, 0x10A3F}, {0x10A50, 0x10A58}, {0x10A7F, 0x10A7F},
    {0x10AC8, 0x10AC8}, {0x10AE5, 0x10AE6}, {0x10AF0, 0x10AF6}, {0x10B39, 0x10B3F},
    {0x10B99, 0x10B9C}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAD}, {0x10F46, 0x10F50},
    {0x10F55, 0x10F59}, {0x10F82, 0x10F89}, {0x11000, 0x11002}, {0x11038, 0x1104D},
    {0x11070, 0x11070}, {0x11073, 0x11074}, {0x1107F, 0x11082}, {0x110B0, 0x110CD},
    {0x11100, 0x11102}, {0x11127, 0x11134}, {0x11140, 0x11143}, {0x11145, 0x11146},
    {0x11173, 0x11175}, {0x11180, 0x11182}, {0x111B3, 0x111C0}, {0x111C5, 0x111CF},
    {0x111DB, 0x111DB}, {0x111DD, 0x111DF}, {0x1122C, 0x1123E}, {0x112A9, 0x112A9},
    {0x112DF, 0x112EA}, {0x11300, 0x11303}, {0x1133B, 0x1133C}, {0x1133E, 0x1134D},
    {0x11357, 0x11357}, {0x11362, 0x11374}, {0x11435, 0x11446}, {0x1144B, 0x1144F},
    {0x1145A, 0x1145E}, {0x114B0, 0x114C3}, {0x114C6, 0x114C6}, {0x115AF, 0x115D7},
    {0x115DC, 0x115DD}, {0x11630, 0x11643}, {0x11660, 0x1166C}, {0x116AB, 0x116B7},
    {0x116B9, 0x116B9}, {0x1171D, 0x1172B}, {0x1173C, 0x1173F}, {0x1182C, 0x1183B},
    {0x11930, 0x1193E}, {0x11940, 0x11940}, {0x11942, 0x11946}, {0x119D1, 0x119E0},
    {0x119E2, 0x119E2}, {0x119E4, 0x119E4}, {0x11A01, 0x11A0A}, {0x11A33, 0x11A39},
    {0x11A3B, 0x11A47}, {0x11A51, 0x11A5B}, {0x11A8A, 0x11A9C}, {0x11A9E, 0x11AA2},
    {0x11C2F, 0x11C3F}, {0x11C41, 0x11C45}, {0x11C70, 0x11C71}, {0x11C92, 0x11CB6},
    {0x11D31, 0x11D45}, {0x11D47, 0x11D47}, {0x11D8A, 0x11D97}, {0x11EF3, 0x11EF8},
    {0x11FD5, 0x11FFF}, {0x12470, 0x12474}, {0x12FF1, 0x12FF2}, {0x13430, 0x13438},
    {0x16A6E, 0x16A6F}, {0x16AF0, 0x16AF5}, {0x16B30, 0x16B3F}, {0x16B44, 0x16B45},
    {0x16E97, 0x16E9A}, {0x16F4F, 0x16F4F}, {0x16F51, 0x16F92}, {0x16FE2, 0x16FE2},
    {0x16FE4, 0x16FF1}, {0x1BC9C, 0x1D245}, {0x1D300, 0x1D356}, {0x1D6C1, 0x1D6C1},
    {0x1D6DB, 0x1D6DB}, {0x1D6FB, 0x1D6FB}, {0x1D715, 0x1D715}, {0x1D735, 0x1D735},
    {0x1D74F, 0x1D74F}, {0x1D76F, 0x1D76F}, {0x1D789, 0x1D789}, {0x1D7A9, 0x1D7A9},
    {0x1D7C3, 0x1D7C3}, {0x1D800, 0x1DAAF}, {0x1E000, 0x1E02A}, {0x1E130, 0x1E136},
    {0x1E14F, 0x1E14F}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF}, {0x1E2FF, 0x1E2FF},
    {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0x1E95E, 0x1E95F}, {0x1ECAC, 0x1ECAC},
    {0x1ECB0, 0x1ECB0}, {0x1ED2E, 0x1ED2E}, {0x1EEF0, 0x1F0F5}, {0x1F10D, 0x1FBCA},
    {0xE0001, 0xE01EF},
};
// clang-format on

static int in_ranges(const cp_range *r, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r[mid].last < c) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return lo < n && r[lo].first <= c;
}

/* Lower-cases c the way str.lower() does (minus the context-dependent final sigma rule) and
 * returns how many code points were written to out (1 or 2). */
static size_t lower_cp(uint32_t c, uint32_t out[2])
{
    size_t lo = 0, hi = sizeof(lower_runs) / sizeof(lower_runs[0]);

    if (c < 0x80) {
        out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        return 1;
    }
    if (c == 0x130) {
        out[0] = 'i';
        out[1] = 0x307;
        return 2;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (lower_runs[mid].last < c) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    if (lo < sizeof(lower_runs) / sizeof(lower_runs[0]) && lower_runs[lo].first <= c
        && (c - lower_runs[lo].first) % lower_runs[lo].step == 0) {
        out[0] = (uint32_t)((int32_t)c + lower_runs[lo].delta);
    }
    else {
        out[0] = c;
    }
    return 1;
}

static int is_word(uint32_t c)
{
    /* Python's lone surrogates, hence escaped bytes, are not alphanumeric. */
    if (c >= CC_ESCAPE_BASE + 0x80 && c <= CC_ESCAPE_BASE + 0xFF) {
        return 0;
    }
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '_';
    }
    return !in_ranges(nonword_ranges, sizeof(nonword_ranges) / sizeof(nonword_ranges[0]), c);
}

/* str.isspace(), which is what str.strip() removes. */
static int is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
           || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_digit(uint32_t c)
{
    if (c < 0x80) {
        return c >= '0' && c <= '9';
    }
    return in_ranges(digit_ranges, sizeof(digit_ranges) / sizeof(digit_ranges[0]), c);
}

/* Decodes the code point at s (avail > 0 bytes) and stores the number of bytes it took in used.
 * Overlong forms, surrogates and truncated sequences are invalid, as in Python; each invalid byte
 * becomes one escaped code point (the bytes after it are then read on their own, which is what
 * Python's surrogateescape does with every byte of the ill-formed subpart). */
static uint32_t decode_cp(const unsigned char *s, size_t avail, size_t *used)
{
    long cp;
    apr_size_t n = cc_utf8_decode(s, avail, &cp);
    if (cp < 0) {
        *used = 1;
        return CC_ESCAPE_BASE + s[0];
    }
    *used = n;
    return (uint32_t)cp;
}

/* Inverse of decode_cp(); escaped code points go back to the raw byte. Returns the length. */
static size_t encode_cp(uint32_t c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c >= CC_ESCAPE_BASE + 0x80 && c <= CC_ESCAPE_BASE + 0xFF) {
        out[0] = (unsigned char)(c - CC_ESCAPE_BASE);
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Code points of s, or of its lower case when lower is set, as a pool array; *n gets the count. */
static uint32_t *decode_str(apr_pool_t *p, const char *s, int lower, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i, used, count = 0;
    uint32_t *out;

    /* A byte never yields more than one code point: even U+0130, which lower-cases to two, takes
     * two bytes. */
    out = apr_palloc(p, (len ? len : 1) * sizeof(*out));
    for (i = 0; i < len; i += used) {
        uint32_t c = decode_cp(u + i, len - i, &used), l[2];

        if (lower) {
            size_t k, nl = lower_cp(c, l);

            for (k = 0; k < nl; k++) {
                out[count++] = l[k];
            }
        }
        else {
            out[count++] = c;
        }
    }
    *n = count;
    return out;
}

static int compare_cp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* Size of the multiset intersection of two sorted sequences: the "matches" of quick_ratio(). */
static size_t common_elements(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, m = 0;

    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        }
        else if (a[i] > b[j]) {
            j++;
        }
        else {
            m++;
            i++;
            j++;
        }
    }
    return m;
}

/* difflib._calculate_ratio(), with the same operation order so the doubles come out identical. */
static double calculate_ratio(size_t matches, size_t length)
{
    return length ? 2.0 * (double)matches / (double)length : 1.0;
}

/* Django's exceeds_maximum_length_ratio(): a value at most a tenth of the password's length
 * cannot reach max_similarity, so it is not worth comparing. */
static int exceeds_maximum_length_ratio(size_t pwd_len, size_t value_len)
{
    double length_bound_similarity = CC_MAX_SIMILARITY / 2 * (double)pwd_len;

    return value_len <= pwd_len / 10 && (double)value_len < length_bound_similarity;
}

/* One value part against the password; scratch has room for part_len code points. */
static int part_is_similar(const uint32_t *pw_sorted, size_t pw_len, const uint32_t *part,
                           size_t part_len, uint32_t *scratch)
{
    size_t matches;

    if (exceeds_maximum_length_ratio(pw_len, part_len)) {
        return 0;
    }
    if (part_len) {
        memcpy(scratch, part, part_len * sizeof(*part));
        qsort(scratch, part_len, sizeof(*scratch), compare_cp);
    }
    matches = common_elements(pw_sorted, pw_len, scratch, part_len);
    return calculate_ratio(matches, pw_len + part_len) >= CC_MAX_SIMILARITY;
}

/* UserAttributeSimilarityValidator for one attribute: the parts of re.split(r"\W+", value), then
 * the whole value, all lower-cased. */
static int attribute_is_similar(apr_pool_t *p, const uint32_t *pw_sorted, size_t pw_len,
                                const char *value)
{
    size_t vn, start = 0, end;
    uint32_t *v = decode_str(p, value, 1, &vn);
    uint32_t *scratch = apr_palloc(p, (vn ? vn : 1) * sizeof(*scratch));

    for (;;) {
        end = start;
        while (end < vn && is_word(v[end])) {
            end++;
        }
        if (part_is_similar(pw_sorted, pw_len, v + start, end - start, scratch)) {
            return 1;
        }
        if (end == vn) {
            break;
        }
        start = end;
        while (start < vn && !is_word(v[start])) {
            start++;
        }
    }
    return part_is_similar(pw_sorted, pw_len, v, vn, scratch);
}

/* Produces the lower-cased UTF-8 form of a byte range one byte at a time, so that looking a
 * password up in the list needs no buffer however long the password is. */
typedef struct {
    const unsigned char *s;
    const unsigned char *end;
    unsigned char out[8];
    size_t n;
    size_t i;
} lower_reader;

static int lower_reader_next(lower_reader *r)
{
    if (r->i == r->n) {
        uint32_t l[2];
        size_t used, k, nl;

        if (r->s == r->end) {
            return -1;
        }
        nl = lower_cp(decode_cp(r->s, (size_t)(r->end - r->s), &used), l);
        r->s += used;
        r->n = 0;
        r->i = 0;
        for (k = 0; k < nl; k++) {
            r->n += encode_cp(l[k], r->out + r->n);
        }
    }
    return r->out[r->i++];
}

/* strcmp(lower(s..end), entry), i.e. bytewise like LC_ALL=C sort. */
static int compare_lowered(const unsigned char *s, const unsigned char *end, const char *entry)
{
    lower_reader r;
    const unsigned char *e = (const unsigned char *)entry;

    r.s = s;
    r.end = end;
    r.n = 0;
    r.i = 0;
    for (;; e++) {
        int b = lower_reader_next(&r);

        if (b < 0) {
            return *e ? -1 : 0;
        }
        if (b != *e) {
            return b < *e ? -1 : 1;
        }
    }
}

/* Reports the character count and what else the length, common and numeric rules need from a
 * single pass: the byte range left after str.strip() and whether every character is a digit. */
static size_t scan_password(const char *password, const unsigned char **strip_start,
                            const unsigned char **strip_end, int *all_digits)
{
    const unsigned char *s = (const unsigned char *)password;
    size_t len = strlen(password), i, used, count = 0;

    *strip_start = NULL;
    *strip_end = s;
    *all_digits = len > 0;
    for (i = 0; i < len; i += used) {
        uint32_t c = decode_cp(s + i, len - i, &used);

        count++;
        if (!is_digit(c)) {
            *all_digits = 0;
        }
        /* No character lower-cases into or out of whitespace, so stripping before lower-casing
         * gives the same string as Django's lower().strip(). */
        if (!is_space(c)) {
            if (!*strip_start) {
                *strip_start = s + i;
            }
            *strip_end = s + i + used;
        }
    }
    if (!*strip_start) {
        *strip_start = *strip_end;
    }
    return count;
}

static int range_is_common(const unsigned char *start, const unsigned char *end)
{
    size_t lo = 0, hi = cc_common_passwords_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = compare_lowered(start, end, cc_common_passwords[mid]);

        if (cmp == 0) {
            return 1;
        }
        if (cmp > 0) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return 0;
}

static void add_problem(apr_array_header_t **problems, apr_pool_t *p, const char *message)
{
    if (!*problems) {
        *problems = apr_array_make(p, 4, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*problems, const char *) = message;
}

int cc_password_is_common(const char *password)
{
    const unsigned char *start, *end;
    int all_digits;

    if (!password) {
        return 0;
    }
    scan_password(password, &start, &end, &all_digits);
    return range_is_common(start, end);
}

apr_array_header_t *cc_password_problems(apr_pool_t *p, const char *password, const char *email,
                                         const char *first_name, const char *last_name)
{
    /* DEFAULT_USER_ATTRIBUTES order; "username" is not an attribute of mod_carechain accounts. */
    const char *const values[] = {first_name, last_name, email};
    const char *const messages[] = {msg_similar_first_name, msg_similar_last_name,
                                    msg_similar_email};
    apr_array_header_t *problems = NULL;
    apr_pool_t *scratch, *work = p;
    const unsigned char *strip_start, *strip_end;
    uint32_t *pw;
    size_t pw_len, length, i;
    int all_digits;

    if (!password) {
        password = "";
    }
    /* The similarity rule needs several copies of the password and values; keep them out of p. */
    if (apr_pool_create(&scratch, p) == APR_SUCCESS) {
        work = scratch;
    }

    pw = decode_str(work, password, 1, &pw_len);
    if (pw_len) {
        qsort(pw, pw_len, sizeof(*pw), compare_cp);
    }
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (values[i] && *values[i] && attribute_is_similar(work, pw, pw_len, values[i])) {
            /* Django raises on the first similar attribute, so only that one is reported. */
            add_problem(&problems, p, messages[i]);
            break;
        }
    }
    if (work != p) {
        apr_pool_destroy(work);
    }

    length = scan_password(password, &strip_start, &strip_end, &all_digits);
    if (length < CC_MIN_LENGTH) {
        add_problem(&problems, p, msg_too_short);
    }
    if (range_is_common(strip_start, strip_end)) {
        add_problem(&problems, p, msg_too_common);
    }
    if (all_digits) {
        add_problem(&problems, p, msg_numeric);
    }
    return problems;
}

/* State of one difflib.SequenceMatcher(None, a, b) run. */
typedef struct {
    const uint32_t *a;
    const uint32_t *b;
    size_t la;
    size_t lb;
    /* difflib's b2j as (element << 32 | index) keys in ascending order, "popular" elements
     * already removed, so a lookup is a binary search and a linear walk. */
    uint64_t *b2j;
    size_t nb2j;
    /* Two rows of find_longest_match()'s j2len, indexed by j + 1. An entry is only valid if its
     * stamp equals the current row serial, which spares clearing the rows between iterations. */
    size_t *len[2];
    size_t *stamp[2];
    size_t serial;
    size_t work;
} matcher;

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* difflib's __chain_b() with isjunk=None and autojunk=True. */
static void chain_b(matcher *m)
{
    size_t i, out = 0;

    for (i = 0; i < m->lb; i++) {
        m->b2j[i] = ((uint64_t)m->b[i] << 32) | i;
    }
    qsort(m->b2j, m->lb, sizeof(*m->b2j), compare_u64);
    m->nb2j = m->lb;
    if (m->lb < 200) {
        return;
    }
    for (i = 0; i < m->lb;) {
        size_t j = i, ntest = m->lb / 100 + 1;

        while (j < m->lb && (m->b2j[j] >> 32) == (m->b2j[i] >> 32)) {
            j++;
        }
        if (j - i <= ntest) {
            memmove(m->b2j + out, m->b2j + i, (j - i) * sizeof(*m->b2j));
            out += j - i;
        }
        i = j;
    }
    m->nb2j = out;
}

/* difflib's find_longest_match(), including its tie-breaking (earliest i, then earliest j) and
 * the extension over popular elements; junk-related steps are no-ops without isjunk. Returns -1
 * once the work budget is spent. */
static int longest_match(matcher *m, size_t alo, size_t ahi, size_t blo, size_t bhi, size_t *besti,
                         size_t *bestj, size_t *bestsize)
{
    size_t i, row = 0;

    *besti = alo;
    *bestj = blo;
    *bestsize = 0;
    /* Skip a serial so the previous call's last row can never pass as this call's previous row. */
    m->serial += 2;
    for (i = alo; i < ahi; i++) {
        uint64_t key = ((uint64_t)m->a[i] << 32) | blo;
        size_t lo = 0, hi = m->nb2j, prev = row, k;

        row ^= 1;
        m->serial++;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (m->b2j[mid] < key) {
                lo = mid + 1;
            }
            else {
                hi = mid;
            }
        }
        for (; lo < m->nb2j && (m->b2j[lo] >> 32) == m->a[i]; lo++) {
            size_t j = (size_t)(m->b2j[lo] & 0xFFFFFFFFu);

            if (j >= bhi) {
                break;
            }
            k = (m->stamp[prev][j] == m->serial - 1 ? m->len[prev][j] : 0) + 1;
            m->len[row][j + 1] = k;
            m->stamp[row][j + 1] = m->serial;
            if (k > *bestsize) {
                *besti = i + 1 - k;
                *bestj = j + 1 - k;
                *bestsize = k;
            }
            m->work++;
        }
        if (++m->work > CC_RATIO_MAX_WORK) {
            return -1;
        }
    }
    while (*besti > alo && *bestj > blo && m->a[*besti - 1] == m->b[*bestj - 1]) {
        (*besti)--;
        (*bestj)--;
        (*bestsize)++;
    }
    while (*besti + *bestsize < ahi && *bestj + *bestsize < bhi
           && m->a[*besti + *bestsize] == m->b[*bestj + *bestsize]) {
        (*bestsize)++;
    }
    m->work += *bestsize;
    return m->work > CC_RATIO_MAX_WORK ? -1 : 0;
}

/* Sum of the sizes of get_matching_blocks(), or -1 when over budget. The order in which difflib
 * visits the sub-ranges does not change the sum, but a stack keeps it the same anyway. */
static long long matching_characters(matcher *m, size_t (*stack)[4])
{
    size_t depth = 0;
    long long total = 0;

    stack[depth][0] = 0;
    stack[depth][1] = m->la;
    stack[depth][2] = 0;
    stack[depth][3] = m->lb;
    depth++;
    while (depth) {
        size_t alo, ahi, blo, bhi, i, j, k;

        depth--;
        alo = stack[depth][0];
        ahi = stack[depth][1];
        blo = stack[depth][2];
        bhi = stack[depth][3];
        if (longest_match(m, alo, ahi, blo, bhi, &i, &j, &k) < 0) {
            return -1;
        }
        if (!k) {
            continue;
        }
        total += (long long)k;
        if (alo < i && blo < j) {
            stack[depth][0] = alo;
            stack[depth][1] = i;
            stack[depth][2] = blo;
            stack[depth][3] = j;
            depth++;
        }
        if (i + k < ahi && j + k < bhi) {
            stack[depth][0] = i + k;
            stack[depth][1] = ahi;
            stack[depth][2] = j + k;
            stack[depth][3] = bhi;
            depth++;
        }
    }
    return total;
}

/* Code points of s in malloc()ed memory (at least one element), or NULL. */
static uint32_t *decode_malloc(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i, used;
    uint32_t *out = malloc((len ? len : 1) * sizeof(*out));

    *n = 0;
    if (!out) {
        return NULL;
    }
    for (i = 0; i < len; i += used) {
        out[(*n)++] = decode_cp(u + i, len - i, &used);
    }
    return out;
}

static double quick_ratio(uint32_t *a, size_t la, uint32_t *b, size_t lb)
{
    qsort(a, la, sizeof(*a), compare_cp);
    qsort(b, lb, sizeof(*b), compare_cp);
    return calculate_ratio(common_elements(a, la, b, lb), la + lb);
}

double cc_similarity_ratio(const char *a, const char *b)
{
    matcher m;
    uint32_t *ca, *cb;
    size_t(*stack)[4] = NULL;
    long long total = -1;
    double ratio = 0.0;

    memset(&m, 0, sizeof(m));
    ca = decode_malloc(a ? a : "", &m.la);
    cb = decode_malloc(b ? b : "", &m.lb);
    if (!ca || !cb) {
        goto done;
    }
    m.a = ca;
    m.b = cb;
    if (m.la <= CC_RATIO_MAX_LEN && m.lb <= CC_RATIO_MAX_LEN) {
        /* Each successful step pops one range and pushes at most two, and there are at most
         * min(la, lb) matching blocks, so the stack never holds more than min(la, lb) + 1. */
        stack = malloc(((m.la < m.lb ? m.la : m.lb) + 1) * sizeof(*stack));
        m.b2j = malloc((m.lb ? m.lb : 1) * sizeof(*m.b2j));
        m.len[0] = calloc(m.lb + 1, sizeof(size_t));
        m.len[1] = calloc(m.lb + 1, sizeof(size_t));
        m.stamp[0] = calloc(m.lb + 1, sizeof(size_t));
        m.stamp[1] = calloc(m.lb + 1, sizeof(size_t));
        if (!stack || !m.b2j || !m.len[0] || !m.len[1] || !m.stamp[0] || !m.stamp[1]) {
            goto done;
        }
        chain_b(&m);
        total = matching_characters(&m, stack);
    }
    ratio =
        total >= 0 ? calculate_ratio((size_t)total, m.la + m.lb) : quick_ratio(ca, m.la, cb, m.lb);

done:
    free(stack);
    free(m.b2j);
    free(m.len[0]);
    free(m.len[1]);
    free(m.stamp[0]);
    free(m.stamp[1]);
    free(ca);
    free(cb);
    return ratio;
}
