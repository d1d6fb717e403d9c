# Leuko: build and install (README "Operations").
#
#   make                         release build (.build/release/leuko)
#   sudo make install            binary, unit, configuration, model, user; PREFIX=/usr/local
#   make install DESTDIR=/tmp/p  the same tree below /tmp/p (packaging; nothing is run on the host)
#   make install LEUKO_BINARY=path/to/leuko   install an already-built binary (no build)
#
# Layout (PREFIX=/usr/local): $(PREFIX)/bin/leuko, $(PREFIX)/lib/systemd/system/leuko.service,
# $(PREFIX)/lib/sysusers.d/leuko.conf, $(PREFIX)/lib/tmpfiles.d/leuko.conf,
# $(PREFIX)/share/leuko/leuko-wbc-v1.safetensors (+ its model card), /etc/leuko/leuko.toml.
# An existing /etc/leuko/leuko.toml is never overwritten: the new default goes beside it as
# leuko.toml.default.

PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR = $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DATADIR = $(PREFIX)/share/leuko
SWIFT ?= swift
INSTALL ?= install

MODEL_NAME = leuko-wbc-v1
CONFIG = $(DESTDIR)$(SYSCONFDIR)/leuko/leuko.toml

ifeq ($(origin LEUKO_BINARY),undefined)
LEUKO_BINARY = .build/release/leuko
BUILD_STEP = build
else
BUILD_STEP =
endif

.PHONY: all build install uninstall

all: build

build:
	$(SWIFT) build -c release --product leuko

install: $(BUILD_STEP)
	@test -x "$(LEUKO_BINARY)" || { echo "make: no executable $(LEUKO_BINARY)" >&2; exit 1; }
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(SYSCONFDIR)/leuko
	$(INSTALL) -m 0755 "$(LEUKO_BINARY)" $(DESTDIR)$(BINDIR)/leuko
	sed -e 's|/usr/local/bin/leuko|$(BINDIR)/leuko|g' -e 's|/etc/leuko/leuko.toml|$(SYSCONFDIR)/leuko/leuko.toml|g' \
		systemd/leuko.service > $(DESTDIR)$(UNITDIR)/leuko.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/leuko.service
	$(INSTALL) -m 0644 packaging/leuko.sysusers $(DESTDIR)$(SYSUSERSDIR)/leuko.conf
	$(INSTALL) -m 0644 packaging/leuko.tmpfiles $(DESTDIR)$(TMPFILESDIR)/leuko.conf
	$(INSTALL) -m 0644 Models/$(MODEL_NAME).safetensors $(DESTDIR)$(DATADIR)/$(MODEL_NAME).safetensors
	$(INSTALL) -m 0644 Models/$(MODEL_NAME).md $(DESTDIR)$(DATADIR)/$(MODEL_NAME).md
	sed -e 's|^# model = "/usr/local/share/leuko/\(.*\)"|model = "$(DATADIR)/\1"|' etc/leuko.toml > $(CONFIG).default
	chmod 0644 $(CONFIG).default
	@if [ -e $(CONFIG) ]; then \
		echo "kept the existing $(CONFIG); the new default is $(CONFIG).default"; \
	else \
		mv $(CONFIG).default $(CONFIG); \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v systemd-sysusers >/dev/null; then systemd-sysusers $(SYSUSERSDIR)/leuko.conf; \
		else echo "create the user by hand: useradd --system --home-dir /var/lib/leuko --shell /usr/sbin/nologin leuko"; fi; \
		if command -v systemd-tmpfiles >/dev/null; then systemd-tmpfiles --create $(TMPFILESDIR)/leuko.conf; fi; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "installed; start with: systemctl enable --now leuko"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/leuko $(DESTDIR)$(UNITDIR)/leuko.service $(DESTDIR)$(SYSUSERSDIR)/leuko.conf \
		$(DESTDIR)$(TMPFILESDIR)/leuko.conf $(DESTDIR)$(DATADIR)/$(MODEL_NAME).safetensors $(DESTDIR)$(DATADIR)/$(MODEL_NAME).md \
		$(CONFIG).default
	-rmdir $(DESTDIR)$(DATADIR)
	@echo "kept $(CONFIG), /var/lib/leuko (queue and reports) and the leuko user"
