# mod_carechain: build, run and test with plain make, pkg-config and `apxs -q`.
# Nothing here installs into the system Apache.
#
#   make run   install missing packages, build, serve the API and htdocs/ on :$(PORT)
#              (mail into var/mail/; MAIL=smtp://host:587 MAIL_AUTH=file MAIL_CA=file: SMTP)
#   make test  install missing packages, build with -Werror, run every test
#   make fuzz  run each libFuzzer harness of tests/fuzz for $(FUZZ_TIME) seconds
#   make fuzz-api  the schema fuzzer of the API (tests/api/schema_fuzz.py) for $(FUZZ_TIME) s
#
SHELL   := /bin/bash
APXS    ?= apxs
CC      ?= gcc
PY      := /usr/bin/python3
PORT    ?= 8080
B       := build
G       := $(B)/gen

# Lazily evaluated: these run only after `deps` has installed pkg-config and the -dev packages.
PKGS         = apr-1 apr-util-1 jansson libjwt libpq libmagic libcrypto libcurl
HTTPD_INC    = $(shell $(APXS) -q INCLUDEDIR)
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS     = $(shell pkg-config --libs $(PKGS))
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

# The release: VERSION is the one place it is written (packages and /api/health/ take it).
VERSION := $(shell cat VERSION)

# CPPFLAGS, CFLAGS and LDFLAGS from the environment are honoured (a package build passes the
# distribution's hardening flags through them); WARN stays -Werror for `make test`.
WARN    ?= -Wall -Wextra -Werror
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
CFLAGS_ALL = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) -fPIC -I. -I$(G) -I$(HTTPD_INC) $(PKG_CFLAGS) \
             -DCC_VERSION='"$(VERSION)"'

# Pure code: no httpd headers, linked by the unit tests and (partly) by carechainctl.
PURE_SRC := core/router.c core/pagination.c core/jwt.c core/validate.c core/password_rules.c \
            core/fields.c core/cursor.c core/filetype.c core/multipart.c core/respcache.c core/utf8.c core/json.c dbd/errmap.c \
            dbd/statements.c
GEN_WORDS := $(G)/common_passwords.c
GEN_MIGR  := $(G)/migrations.c
GEN_DATA  := $(G)/seed_data.c
SEED_DATA := $(sort $(wildcard cli/data/*.tsv))
GEN_SAMPLE := $(G)/sample_data_sql.c
# The API description (openapi.yaml + openapi/*.yaml), bundled into JSON that GET /api/schema/
# serves from the module (handlers/schema.c).
OPENAPI_SRC := openapi.yaml $(sort $(wildcard openapi/*.yaml))
GEN_OPENAPI := $(G)/openapi_json.c
MOD_SRC  := mod_carechain.c core/config.c core/body.c core/http.c core/errors.c core/passwords.c dbd/db.c \
            $(wildcard services/*.c) $(wildcard handlers/*.c) $(PURE_SRC)
CLI_SRC  := cli/carechainctl.c cli/seed_masters.c cli/sample_data.c core/password_rules.c core/utf8.c \
            core/validate.c dbd/statements.c cli/ops.c
UNIT_SRC := $(wildcard tests/unit/*.c)
HEADERS  := $(wildcard core/*.h dbd/*.h services/*.h handlers/*.h cli/*.h)
MIGRATIONS := $(sort $(wildcard dbd/schema/*.sql)) $(sort $(wildcard dbd/sql/*.sql))

.PHONY: all build deps run test unit unit-asan fuzz fuzz-short fuzz-api api api-event api-prefork clean openapi \
        format check-format check-layers bench bench-documents bench-streams browser soak

all build: $(B)/mod_carechain.so $(B)/carechainctl

deps:
	@sh cli/install-deps.sh

$(GEN_WORDS): core/data/common-passwords.txt core/gen_wordlist.sh
	@mkdir -p $(G)
	sh core/gen_wordlist.sh $< $@ cc_common_passwords

# The directories too: removing or renaming a file changes only them.
$(GEN_MIGR): $(MIGRATIONS) dbd/schema dbd/sql cli/gen_migrations.sh
	@mkdir -p $(G)
	sh cli/gen_migrations.sh $@ $(MIGRATIONS)

$(GEN_DATA): $(SEED_DATA) cli/gen_data.sh
	@mkdir -p $(G)
	sh cli/gen_data.sh $@ $(SEED_DATA)

$(GEN_SAMPLE): cli/sample_data.sql cli/gen_sql_string.sh
	@mkdir -p $(G)
	sh cli/gen_sql_string.sh $@ cc_sample_data_sql cli/sample_data.sql

# Every part file (a new one is newer than the bundle; after removing one, touch openapi.yaml).
# Not on the phony `openapi` target: that rebuilt the module at every make, and two suites
# started side by side raced to relink it. Refuses duplicates (exit 1).
$(GEN_OPENAPI): $(OPENAPI_SRC) cli/openapi_bundle.py VERSION
	@mkdir -p $(G)
	$(PY) cli/openapi_bundle.py --root . --c $@ --json $(G)/openapi.json

# `make openapi`: bundle the description and say what it holds (build/gen/openapi.json).
openapi: $(GEN_OPENAPI)
	$(PY) cli/openapi_bundle.py --root .

# Built under a temporary name and renamed: a running httpd may have the old file mapped.
$(B)/mod_carechain.so: $(MOD_SRC) $(GEN_WORDS) $(GEN_OPENAPI) $(HEADERS) VERSION
	@mkdir -p $(B)
	$(CC) $(CFLAGS_ALL) -shared $(LDFLAGS) -o $@.tmp $(MOD_SRC) $(GEN_WORDS) $(GEN_OPENAPI) \
	    $(PKG_LIBS)
	mv -f $@.tmp $@

$(B)/carechainctl: $(CLI_SRC) $(GEN_WORDS) $(GEN_MIGR) $(GEN_DATA) $(GEN_SAMPLE) $(HEADERS) VERSION
	@mkdir -p $(B)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@.tmp $(CLI_SRC) $(GEN_WORDS) $(GEN_MIGR) $(GEN_DATA) \
	    $(GEN_SAMPLE) $(PKG_LIBS)
	mv -f $@.tmp $@

$(B)/unit-tests: $(UNIT_SRC) $(PURE_SRC) $(GEN_WORDS) $(HEADERS)
	@mkdir -p $(B)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRC) $(PURE_SRC) $(GEN_WORDS) \
	    $(PKG_LIBS) $(CHECK_LIBS)

$(B)/unit-tests-asan: $(UNIT_SRC) $(PURE_SRC) $(GEN_WORDS) $(HEADERS)
	@mkdir -p $(B)
	$(CC) $(CFLAGS_ALL) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all $(CHECK_CFLAGS) -o $@ $(UNIT_SRC) $(PURE_SRC) $(GEN_WORDS) \
	    $(PKG_LIBS) $(CHECK_LIBS)

unit: $(B)/unit-tests
	$(B)/unit-tests

# CK_FORK=no: sanitizers and forked test cases do not mix well; one process sees every leak.
unit-asan: $(B)/unit-tests-asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(B)/unit-tests-asan

# libFuzzer is clang's, whatever CC is. Each harness tests/fuzz/fuzz_NAME.c runs on a copy of
# its committed seeds (tests/fuzz/corpus/NAME) in build/, where the inputs it finds accumulate
# from run to run without touching the tree; a crash stops it with a nonzero status (failing
# make) and leaves the input in build/fuzz-NAME-*. What each checks: the comment atop its file.
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 600
FUZZERS     := multipart query router cursor jwt fields
FUZZ_SRC_multipart := core/multipart.c core/validate.c core/utf8.c
FUZZ_SRC_query     := core/router.c core/validate.c core/utf8.c
FUZZ_SRC_router    := core/router.c core/validate.c core/utf8.c
FUZZ_SRC_cursor    := core/cursor.c
FUZZ_SRC_jwt       := core/jwt.c
FUZZ_SRC_fields    := core/fields.c core/validate.c core/utf8.c core/json.c
FUZZ_PKGS    = apr-1 apr-util-1 jansson libjwt libcrypto
FUZZ_CFLAGS  = -std=gnu11 $(WARN) -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. \
               $(shell pkg-config --cflags $(FUZZ_PKGS))
# $(call fuzz_run,NAME,SECONDS)
fuzz_run = mkdir -p $(B)/fuzz-corpus/$(1) && cp -f tests/fuzz/corpus/$(1)/* $(B)/fuzz-corpus/$(1)/ && \
           $(B)/fuzz_$(1) $(if $(wildcard tests/fuzz/$(1).dict),-dict=tests/fuzz/$(1).dict) \
           -timeout=10 -artifact_prefix=$(B)/fuzz-$(1)- -print_final_stats=1 \
           -max_total_time=$(2) $(B)/fuzz-corpus/$(1)

define fuzz_rule
$(B)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(FUZZ_SRC_$(1)) $(HEADERS)
	@mkdir -p $(B)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) \
	    $$(shell pkg-config --libs $$(FUZZ_PKGS))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

# Bounded, for `make test` (the multipart parser 30 s, the others 10 s each); `make fuzz` gives
# each FUZZ_TIME seconds (FUZZERS=name picks one).
fuzz-short: $(FUZZERS:%=$(B)/fuzz_%)
	$(foreach f,$(FUZZERS),$(call fuzz_run,$(f),$(if $(filter multipart,$(f)),30,10)) &&) true

fuzz: $(FUZZERS:%=$(B)/fuzz_%)
	$(foreach f,$(FUZZERS),$(call fuzz_run,$(f),$(FUZZ_TIME)) &&) true

# The schema fuzzer (docs/notes/schema-fuzz.md): in the API suite it is derandomised and
# bounded (tests/api/test_schema_fuzz.py, FUZZ_EXAMPLES per operation); here random seeds,
# rounds over every operation for FUZZ_TIME seconds, the problems also in build/fuzz-api.json.
fuzz-api: build
	cd tests/api && FUZZ_TIME=$(FUZZ_TIME) FUZZ_REPORT=$(CURDIR)/$(B)/fuzz-api.json CC_MPM=event \
	    $(PY) -m pytest -q -p no:cacheprovider test_schema_fuzz.py $(PYTEST_ARGS)

# The API suite starts its own PostgreSQL and httpd on free ports; run once per MPM.
api: api-event api-prefork
api-event: build
	cd tests/api && CC_MPM=event $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
api-prefork: build
	cd tests/api && CC_MPM=prefork $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The browser frontend in headless Chromium (Debian's chromium, chromium-driver, python3-selenium)
# against its own private stack; screenshots land in build/screenshots/.
browser: build
	cd tests/browser && CC_MPM=event $(PY) -m pytest -q -p no:cacheprovider -s $(PYTEST_ARGS)

# The three suites (API under event and prefork, the browser) run side by side: they mostly wait
# (tests/parallel.py keeps each one's output in build/logs/ and prints it when it ends).
test:
	@sh cli/install-deps.sh
	$(MAKE) check-layers
	$(MAKE) check-format
	$(MAKE) build
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) fuzz-short
	$(PY) tests/parallel.py api-event api-prefork browser
	$(MAKE) package-test

run:
	@sh cli/install-deps.sh
	$(MAKE) build
	$(PY) tests/stack.py run --dir var --port $(PORT) --mail "$(MAIL)" --mail-auth-file "$(MAIL_AUTH)" \
	    --mail-ca-file "$(MAIL_CA)"

# Load test against a private stack in bench/var (reused between runs); see docs/bench.md.
BENCH_SCALE    ?= 5000
BENCH_DURATION ?= 10
bench: build
	BENCH_SCALE=$(BENCH_SCALE) BENCH_DURATION=$(BENCH_DURATION) $(PY) bench/bench.py

# Upload/download throughput and httpd memory of document storage (own temporary stack).
bench-documents: build
	$(PY) bench/documents.py

# The live stream under load: 1,000 open streams, delivery latency, send/ throughput (own
# temporary stack sized for it; BENCH_STREAMS=N for another count); docs/notes/streams.md.
bench-streams: build
	$(PY) bench/streams.py

# A soak under a realistic mix (own temporary stack): SOAK_TIME seconds of 80 % reads and 20 %
# writes from ~300 users with 40 event streams open, PostgreSQL restarted at a third and an
# httpd child killed at two thirds, then a consistency check (docs/bench.md "Soak"). Exit 1 when
# a target fails. Figures in README.md, runs in docs/notes/soak.md.
SOAK_TIME ?= 600
soak: build
	SOAK_TIME=$(SOAK_TIME) $(PY) bench/soak.py

# Every C file of the tree, formatted by .clang-format (tables are fenced with clang-format off/on).
# Debian 12's clang-format is version 14; another version may format differently.
CLANG_FORMAT ?= clang-format
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
format:
	$(CLANG_FORMAT) -i $(C_FILES)

check-format:
	@$(CLANG_FORMAT) --dry-run --Werror $(C_FILES)
	@echo "check-format: $(words $(C_FILES)) files formatted"

# Includes go one way (core -> dbd -> services -> handlers -> mod_carechain.c) and core/ stays
# pure where it can; one call site per log tag: tests/check_sources.py.
check-layers:
	$(PY) tests/check_sources.py

clean:
	rm -rf $(B)

# ---- packages (packaging/README.md): both into build/packages/, at the version of VERSION ------
.PHONY: deb rpm package-test
deb:
	sh packaging/build-deb.sh

rpm:
	sh packaging/build-rpm.sh

# Installs, configures, upgrades and purges the .deb in a cached Debian 12 root (root only).
package-test:
	$(PY) tests/package/run.py

