#ifndef HOTSPOTPAY_CFREERADIUS_SHIM_H
#define HOTSPOTPAY_CFREERADIUS_SHIM_H
/* FreeRADIUS's autoconf.h defines _GNU_SOURCE, which changes how glibc declares fd_set and
 * friends. Including the system headers first, without it, keeps their declarations identical
 * to the ones Swift's Glibc and Dispatch modules see (clang rejects two different fd_set). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <talloc.h>
/* libradius.h expects build.h first. */
#include <freeradius/build.h>
#include <freeradius/libradius.h>

/* talloc's allocation helpers are macros; Swift needs functions. */

/** A packet to decode: `bytes` copied into memory the packet owns. */
static inline RADIUS_PACKET *hp_packet_from_bytes(uint8_t const *bytes, size_t length) {
    RADIUS_PACKET *packet = rad_alloc(NULL, false);
    if (!packet) return NULL;
    packet->data = talloc_memdup(packet, bytes, length);
    if (!packet->data) { rad_free(&packet); return NULL; }
    packet->data_len = length;
    return packet;
}

/** A new, empty packet (`new_vector`: draw a random request authenticator). */
static inline RADIUS_PACKET *hp_packet_new(bool new_vector) { return rad_alloc(NULL, new_vector); }

static inline void hp_packet_free(RADIUS_PACKET *packet) { rad_free(&packet); }

/** 1 when the dictionary defines `name` as an attribute that goes on the wire (not one of
 *  FreeRADIUS's internal, server-side attributes numbered above 255). */
static inline int hp_attribute_known(char const *name) {
    DICT_ATTR const *da = dict_attrbyname(name);
    return da != NULL && !da->flags.is_unknown && (da->vendor != 0 || da->attr <= 255);
}

/** Adds `name op value` (by dictionary name) to the packet's list; 0 on success. */
static inline int hp_pair_add(RADIUS_PACKET *packet, char const *name, char const *value) {
    return fr_pair_make(packet, &packet->vps, name, value, T_OP_ADD) ? 0 : -1;
}

/** Adds the octets of an attribute given by number (for Message-Authenticator placement). */
static inline int hp_pair_add_octets(RADIUS_PACKET *packet, unsigned int attr, uint8_t const *value, size_t length) {
    VALUE_PAIR *vp = fr_pair_afrom_num(packet, attr, 0);
    if (!vp) return -1;
    fr_pair_value_memcpy(vp, value, length);
    fr_pair_add(&packet->vps, vp);
    return 0;
}

static inline VALUE_PAIR *hp_first_pair(RADIUS_PACKET *packet) { return packet->vps; }
static inline VALUE_PAIR *hp_next_pair(VALUE_PAIR *vp) { return vp->next; }
static inline char const *hp_pair_name(VALUE_PAIR const *vp) { return vp->da->name; }
static inline unsigned int hp_pair_attribute(VALUE_PAIR const *vp) { return vp->da->attr; }
static inline unsigned int hp_pair_vendor(VALUE_PAIR const *vp) { return vp->da->vendor; }
static inline size_t hp_pair_value_text(char *out, size_t length, VALUE_PAIR const *vp) {
    return vp_prints_value(out, length, vp, 0);
}
static inline size_t hp_pair_octets(VALUE_PAIR const *vp, uint8_t const **out) {
    *out = vp->vp_octets;
    return vp->vp_length;
}
static inline int hp_pair_is_octets(VALUE_PAIR const *vp) {
    return vp->da->type == PW_TYPE_OCTETS;
}

#endif
