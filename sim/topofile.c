/*
 * topofile.c -- topology files: reading untrusted edge lists, GraphML and GML.
 *
 * A topology file comes with a scenario and is no more trusted than the
 * scenario itself, so everything here is read defensively. Only regular
 * files are opened (a FIFO, a device such as /dev/zero or a directory could
 * never end or never parse); a relative path is taken from the scenario
 * file's folder. Edge lists are read by our own streaming parser, strictly
 * (two ids a line, every error with its file:line), and go straight into CSR
 * through topocsr.c without an igraph graph. GraphML and GML are read by
 * igraph, but only after a screen here has passed the whole file: no DTD or
 * entity declarations in GraphML (entities could read local files), no GML
 * token over 64 KiB (igraph's lexer is quadratic in a token's length), and
 * neither over 256 MiB (igraph holds the whole input, about 20 bytes a
 * byte); the graph igraph returns is then made undirected and simple.
 * topofile_estimate bounds a file's nodes and edges without building it,
 * for memory admission (admit.c through topo_estimate).
 *
 * topo.c calls the three functions of topofile.h for the file kind; this
 * file calls topocsr.c and igraph, nothing above it. Each rule, and why it
 * is there, is with the function that enforces it.
 */
#include "topofile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "topocsr.h"

/*
 * igraph's GML and GraphML readers hold the whole input as a tree or a trie
 * (about 16 to 22 bytes of memory per input byte, measured with igraph
 * 0.10.2), so their files are capped; edge lists are read by our own
 * streaming parser and are not. igraph's GML lexer takes time quadratic in
 * the length of one token (a 4 MB string takes 6 s, 100 MB hours), so GML
 * tokens are capped too; 64 KiB take a millisecond.
 */
#define TOPOFILE_MAX_TEXT_BYTES ((uint64_t)256 << 20)
#define TOPOFILE_GML_MAX_TOKEN 65536

const char *const topofile_formats[] = { "edgelist", "graphml", "gml", NULL };

/* Join dir and path with a '/', unless path is absolute or dir is NULL/empty. */
static char *topofile_join_path(const char *dir, const char *path)
{
    size_t len;
    char *full;

    if (path[0] == '/' || dir == NULL || dir[0] == '\0') {
        dir = NULL;
    }
    len = (dir != NULL ? strlen(dir) + 1 : 0) + strlen(path) + 1;
    full = malloc(len);
    if (full == NULL) {
        return NULL;
    }
    if (dir != NULL) {
        snprintf(full, len, "%s/%s", dir, path);
    } else {
        snprintf(full, len, "%s", path);
    }
    return full;
}

/*
 * Open the file kind's file, which must be a regular file (a FIFO, a device
 * such as /dev/zero or a directory could never end or never parse); *full is
 * the joined path used in every message, *size its size in bytes.
 */
static sim_err topofile_open(const topo_cfg *cfg, const char *base_dir, char **full, FILE **f,
                             uint64_t *size, char *msg, size_t msg_len)
{
    struct stat st;

    *f = NULL;
    *full = topofile_join_path(base_dir, cfg->path);
    if (*full == NULL) {
        return topocsr_nomem(msg, msg_len);
    }
    *f = fopen(*full, "r");
    if (*f == NULL) {
        snprintf(msg, msg_len, "topology.path: cannot open '%s': %s", *full, strerror(errno));
        return SIM_EINPUT;
    }
    if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, msg_len, "topology.path: '%s' is not a regular file", *full);
        return SIM_EINPUT;
    }
    *size = (uint64_t)st.st_size;
    return SIM_OK;
}

/*
 * Edge lists are read by this parser, not igraph_read_graph_edgelist (which
 * reads any whitespace-separated numbers as more edges, so `0 1 5` became two
 * edges and node 5, and gives no line numbers). The format:
 *   - each line is blank, or exactly two node ids separated by spaces or
 *     tabs (a trailing CR is whitespace);
 *   - a node id is a decimal integer 0 .. 4294967293 (no sign, no exponent);
 *   - a field starting with '#' or '%' begins a comment that runs to the end
 *     of the line (SNAP and KONECT headers); `0 1 # x` is an edge.
 * Anything else is one error `path:line: ...`. Loops are dropped and repeated
 * edges kept once; the graph is undirected.
 *
 * Node count: the largest id + 1, so ids name nodes directly. A file whose
 * ids leave more than half of those nodes without any edge is refused: its
 * ids are sparse labels (a 12-byte file naming node 10^8 would otherwise
 * build 10^8 + 1 nodes). The isolated count is exact (a bitmap of n bits)
 * when n <= 4 x edge lines, which keeps the bitmap under an eighth of the
 * edge memory; above that at most 2 x edge lines nodes can have an edge, so
 * more than half are isolated and the lower bound n - 2 x edge lines is
 * reported. One pass, O(bytes); 8 bytes per edge line kept.
 */
typedef struct topofile_el {
    uint32_t *pairs;        /* 2 ids per kept line, or NULL when only counting */
    uint64_t cap;           /* lines pairs can hold */
    uint64_t count;         /* edge lines that are not loops */
    uint64_t lines;         /* edge lines, loops included */
    uint32_t max_id;        /* largest id on any edge line */
    uint64_t max_line;      /* line on which max_id first appears */
} topofile_el;

static int topofile_el_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Read the field that starts with c: its first 24 bytes into text (control
 * and non-ASCII bytes as '?', "..." if longer), its value into *value if it
 * is all digits (*kind 0), else *kind 1 (not a number) or 2 (out of range).
 * Returns the byte after it.
 */
static int topofile_el_field(FILE *f, int c, char *text, uint64_t *value, int *kind)
{
    size_t len = 0;
    uint64_t v = 0;

    *kind = 0;
    while (c != EOF && c != '\n' && !topofile_el_space(c)) {
        if (c >= '0' && c <= '9') {
            if (*kind == 0) {
                v = v * 10 + (uint64_t)(c - '0');
                if (v > TOPO_MAX_ID) {
                    *kind = 2;
                }
            }
        } else {
            *kind = 1;
        }
        if (len < 24) {
            text[len] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
        } else if (len == 24) {
            memcpy(text + 24, "...", 3);
        }
        len++;
        c = getc(f);
    }
    text[len < 24 ? len : 27] = '\0';
    *value = v;
    return c;
}

/* Scan an edge list (the format is above); keeps the pairs in el->pairs if keep. */
static sim_err topofile_el_scan(FILE *f, const char *path, int keep, topofile_el *el,
                                char *msg, size_t msg_len)
{
    uint64_t line = 1;
    uint32_t ids[2];
    int fields = 0;
    int c = getc(f);
    char text[32];

    memset(el, 0, sizeof *el);
    for (;;) {
        if (c == EOF || c == '\n') {
            if (fields == 1) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": expected two node ids, got one "
                         "(an edge-list line is 'u v')", path, line);
                return SIM_EINPUT;
            }
            if (fields == 2) {
                for (int i = 0; i < 2; i++) {
                    if ((el->lines == 0 && i == 0) || ids[i] > el->max_id) {
                        el->max_id = ids[i];
                        el->max_line = line;
                    }
                }
                el->lines++;
                if (ids[0] != ids[1]) {
                    if (el->count >= TOPO_MAX_EDGES) {
                        snprintf(msg, msg_len, "%s:%" PRIu64 ": more than %" PRIu64 " edges, the "
                                 "most that 32-bit adjacency indices hold", path, line,
                                 TOPO_MAX_EDGES);
                        return SIM_EINPUT;
                    }
                    if (keep && el->count == el->cap) {
                        uint64_t cap = el->cap < 1024 ? 1024 : 2 * el->cap;
                        uint32_t *p = realloc(el->pairs, (size_t)cap * 2 * sizeof *p);
                        if (p == NULL) {
                            return topocsr_nomem(msg, msg_len);
                        }
                        el->pairs = p;
                        el->cap = cap;
                    }
                    if (keep) {
                        el->pairs[2 * el->count] = ids[0];
                        el->pairs[2 * el->count + 1] = ids[1];
                    }
                    el->count++;
                }
            }
            if (c == EOF) {
                break;
            }
            line++;
            fields = 0;
            c = getc(f);
        } else if (topofile_el_space(c)) {
            c = getc(f);
        } else if (c == '#' || c == '%') {
            while (c != EOF && c != '\n') {
                c = getc(f);
            }
        } else {
            uint64_t v;
            int kind;
            c = topofile_el_field(f, c, text, &v, &kind);
            if (fields == 2) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": expected two node ids, found a third "
                         "field '%s' (an edge-list line is 'u v'; weights are not read)",
                         path, line, text);
                return SIM_EINPUT;
            }
            if (kind == 1) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": '%s' is not a node id (expected an "
                         "integer 0 to %" PRIu64 ")", path, line, text, TOPO_MAX_ID);
                return SIM_EINPUT;
            }
            if (kind == 2) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": node id %s is out of range (0 to %"
                         PRIu64 ")", path, line, text, TOPO_MAX_ID);
                return SIM_EINPUT;
            }
            ids[fields++] = (uint32_t)v;
        }
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    if (el->lines == 0) {
        snprintf(msg, msg_len, "%s: has no nodes (no edge lines; an edge-list line is 'u v')",
                 path);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/*
 * The sparse-id rule (above): n = max id + 1 nodes, at most half of them
 * isolated. Exact when the pairs are kept and n <= 4 x edge lines, else the
 * lower bound (which alone refuses whenever n > 4 x edge lines).
 */
static sim_err topofile_el_check_ids(const topofile_el *el, const char *path, char *msg,
                                     size_t msg_len)
{
    uint64_t n = (uint64_t)el->max_id + 1;
    uint64_t isolated = n > 2 * el->count ? n - 2 * el->count : 0;
    int exact = 0;

    if (2 * isolated <= n && el->pairs != NULL) {
        uint64_t *seen = calloc((size_t)(n + 63) / 64, sizeof *seen);
        uint64_t distinct = 0;
        if (seen == NULL) {
            return topocsr_nomem(msg, msg_len);
        }
        for (uint64_t i = 0; i < 2 * el->count; i++) {
            uint32_t v = el->pairs[i];
            uint64_t bit = (uint64_t)1 << (v % 64);
            if ((seen[v / 64] & bit) == 0) {
                seen[v / 64] |= bit;
                distinct++;
            }
        }
        free(seen);
        isolated = n - distinct;
        exact = 1;
    }
    if (2 * isolated > n) {
        snprintf(msg, msg_len, "%s:%" PRIu64 ": node id %" PRIu32 " leaves %s%" PRIu64 " of %"
                 PRIu64 " nodes without an edge (ids must be 0..n-1 with at most half of the "
                 "nodes isolated: renumber the file)", path, el->max_line, el->max_id,
                 exact ? "" : "at least ", isolated, n);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* The edgelist format, straight into CSR (no igraph graph). */
sim_err topofile_build_edgelist(const topo_cfg *cfg, const char *base_dir, topo_graph *g,
                                char *msg, size_t msg_len)
{
    sim_err err;
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size;
    topofile_el el;

    memset(&el, 0, sizeof el);
    err = topofile_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK) {
        err = topofile_el_scan(f, full, 1, &el, msg, msg_len);
    }
    if (err == SIM_OK) {
        err = topofile_el_check_ids(&el, full, msg, msg_len);
    }
    if (f != NULL) {
        fclose(f);
    }
    if (err == SIM_OK) {
        err = topocsr_from_pairs(&el.pairs, el.count, el.max_id + 1, g, msg, msg_len);
    }
    free(el.pairs);
    free(full);
    return err;
}

/*
 * GraphML screen, run before igraph sees the file. igraph 0.10.2
 * (src/io/graphml.c) drives a libxml2 push parser with
 * xmlCtxtUseOptions(XML_PARSE_NOENT | XML_PARSE_NOBLANKS | XML_PARSE_NONET |
 * XML_PARSE_NSCLEAN | XML_PARSE_NOCDATA | XML_PARSE_HUGE): NOENT asks for
 * entity substitution and HUGE lifts libxml2's expansion limits; only NONET
 * keeps the network out. What stops file:// entities and "billion laughs"
 * today is an accident of its SAX handler: no entityDecl, internalSubset,
 * externalSubset or resolveEntity callbacks, and a getEntity that answers
 * every non-predefined name with an empty entity. Measured with libxml2
 * 2.9.14: nothing outside the file is opened (strace) and nothing expands,
 * but such files are read without complaint, and one change of handler
 * would expose them. So they are refused here, by policy:
 *   - any markup declaration `<!...` other than a comment `<!--` or a CDATA
 *     section `<![CDATA[` (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION:
 *     only a DTD declares entities, and GraphML needs none);
 *   - anything that could hide such markup from this byte scan: a NUL byte,
 *     a UTF-16 / UTF-32 / EBCDIC start, or an XML declaration naming an
 *     encoding other than UTF-8, US-ASCII or ISO-8859-1.
 * Comments and CDATA end at the first `-->` and `]]>`, as in libxml2.
 * Processing instructions are not skipped, so a `<!` inside one is refused
 * too (conservative). XInclude is never enabled by igraph, and schema
 * locations are not fetched. O(bytes), no allocation.
 */
static sim_err topofile_graphml_screen(FILE *f, const char *path, char *msg, size_t msg_len)
{
    static const char *const encodings[] = {
        "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "iso_8859-1", "latin1",
        "iso-latin-1", NULL
    };
    unsigned char head[512];
    size_t nhead = fread(head, 1, sizeof head - 1, f);
    size_t at = 0;
    uint64_t line = 1;
    int c;

    head[nhead] = '\0';
    if (nhead >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf) {
        at = 3;                                         /* UTF-8 byte order mark */
    } else if (nhead >= 2 && ((head[0] == 0xfe && head[1] == 0xff)
                              || (head[0] == 0xff && head[1] == 0xfe)
                              || (head[0] == 0x4c && head[1] == 0x6f && nhead >= 4
                                  && head[2] == 0xa7 && head[3] == 0x94))) {
        snprintf(msg, msg_len, "%s:1: GraphML not in UTF-8 (UTF-16 or EBCDIC) is refused "
                 "(convert it to UTF-8)", path);
        return SIM_EINPUT;
    }
    if (strncmp((const char *)head + at, "<?xml", 5) == 0) {
        const char *decl = (const char *)head + at;
        const char *end = strstr(decl, "?>");
        const char *enc = strstr(decl, "encoding");
        if (end == NULL) {                   /* an encoding further on would go unread */
            snprintf(msg, msg_len, "%s:1: GraphML whose XML declaration does not end within "
                     "%zu bytes is refused", path, sizeof head - 1);
            return SIM_EINPUT;
        }
        if (enc != NULL && (end == NULL || enc < end)) {
            char name[32];
            size_t len = 0;
            int ok = 0;
            enc += 8;
            while (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n' || *enc == '=') {
                enc++;
            }
            if (*enc == '"' || *enc == '\'') {
                char q = *enc++;
                while (enc[len] != '\0' && enc[len] != q && len < sizeof name - 1) {
                    name[len] = enc[len] >= 'A' && enc[len] <= 'Z' ? (char)(enc[len] + 32)
                                : (char)enc[len];
                    len++;
                }
                name[len] = '\0';
                for (int i = 0; encodings[i] != NULL; i++) {
                    ok |= strcmp(name, encodings[i]) == 0;
                }
            } else {
                snprintf(name, sizeof name, "?");
            }
            if (!ok) {
                for (size_t i = 0; i < len; i++) {
                    if (name[i] < 0x20 || name[i] >= 0x7f) {
                        name[i] = '?';
                    }
                }
                snprintf(msg, msg_len, "%s:1: GraphML in encoding '%s' is refused (use UTF-8)",
                         path, name);
                return SIM_EINPUT;
            }
        }
    }

    rewind(f);
    c = getc(f);
    while (c != EOF) {
        if (c == '\n') {
            line++;
        } else if (c == '\0') {
            snprintf(msg, msg_len, "%s:%" PRIu64 ": GraphML with a NUL byte is refused (UTF-16 "
                     "or binary data; use UTF-8)", path, line);
            return SIM_EINPUT;
        } else if (c == '<') {
            uint64_t at_line = line;
            int ok = 0;
            c = getc(f);
            if (c != '!') {
                continue;                               /* look at the byte after '<' itself */
            }
            c = getc(f);
            if (c == '-' && (c = getc(f)) == '-') {
                int a = 0, b = 0;                       /* the two bytes before c */
                while ((c = getc(f)) != EOF && !(a == '-' && b == '-' && c == '>')) {
                    line += c == '\n';
                    a = b;
                    b = c;
                }
                ok = 1;                                 /* an unterminated one is libxml2's error */
            } else if (c == '[') {
                const char *want = "CDATA[";
                int i = 0;
                while (want[i] != '\0' && (c = getc(f)) == want[i]) {
                    i++;
                }
                if (want[i] == '\0') {
                    int a = 0, b = 0;
                    while ((c = getc(f)) != EOF && !(a == ']' && b == ']' && c == '>')) {
                        line += c == '\n';
                        a = b;
                        b = c;
                    }
                    ok = 1;
                }
            }
            if (!ok) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": GraphML with a DTD or entity "
                         "declarations is refused (entities could read local files)", path,
                         at_line);
                return SIM_EINPUT;
            }
            if (c == EOF) {
                break;
            }
        }
        c = getc(f);
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    rewind(f);
    return SIM_OK;
}

/*
 * GML screen: no token (a quoted string, a number or key, or a comment from
 * '#' to the end of the line) longer than TOPOFILE_GML_MAX_TOKEN bytes, since
 * igraph's lexer is quadratic in a token's length. Nesting needs no check:
 * igraph 0.10.2 refuses lists nested deeper than about 30 with a parse error
 * at once (measured). O(bytes).
 */
static sim_err topofile_gml_screen(FILE *f, const char *path, char *msg, size_t msg_len)
{
    uint64_t line = 1, start_line = 1, len = 0;
    int mode = 0;                                       /* 0 between tokens, 1 word, 2 string, 3 comment */
    int c;

    while ((c = getc(f)) != EOF) {
        int ws = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
        if (mode == 2) {
            mode = c == '"' ? 0 : 2;
        } else if (mode == 3) {
            mode = c == '\n' ? 0 : 3;
        } else if (ws || c == '[' || c == ']') {
            mode = 0;
        } else if (mode == 0) {
            mode = c == '"' ? 2 : c == '#' ? 3 : 1;
            len = 0;
            start_line = line;
        }
        if (c == '\n') {
            line++;
        }
        if (mode != 0 && ++len > TOPOFILE_GML_MAX_TOKEN) {
            snprintf(msg, msg_len, "%s:%" PRIu64 ": GML token (string, number or comment) longer "
                     "than %d bytes is refused (igraph's reader is quadratic in its length)",
                     path, start_line, TOPOFILE_GML_MAX_TOKEN);
            return SIM_EINPUT;
        }
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    rewind(f);
    return SIM_OK;
}

/* GML and GraphML: igraph holds the whole input, so the file size is capped. */
static sim_err topofile_check_text_size(const char *path, const char *fmt, uint64_t size,
                                        char *msg, size_t msg_len)
{
    if (size > TOPOFILE_MAX_TEXT_BYTES) {
        snprintf(msg, msg_len, "%s: %" PRIu64 " bytes of %s, more than the %" PRIu64 " that "
                 "igraph's reader is allowed (it needs about 20 bytes of memory per byte); "
                 "convert the graph to an edge list", path, size, fmt, TOPOFILE_MAX_TEXT_BYTES);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* Read a GML or GraphML file into *ig through igraph, undirected and simple. */
sim_err topofile_read(const topo_cfg *cfg, const char *base_dir, igraph_t *ig,
                      int *ig_live, char *msg, size_t msg_len)
{
    sim_err err = SIM_OK;
    igraph_error_t rc = IGRAPH_SUCCESS;
    const char *fmt = topofile_formats[cfg->format];
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size;

    err = topofile_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK) {
        err = topofile_check_text_size(full, fmt, size, msg, msg_len);
    }
    if (err == SIM_OK) {
        err = cfg->format == TOPO_FMT_GRAPHML ? topofile_graphml_screen(f, full, msg, msg_len)
              : topofile_gml_screen(f, full, msg, msg_len);
    }
    if (err != SIM_OK) {
        goto done;
    }
    rc = cfg->format == TOPO_FMT_GRAPHML ? igraph_read_graph_graphml(ig, f, 0)
         : igraph_read_graph_gml(ig, f);
    if (rc == IGRAPH_ENOMEM) {
        err = topocsr_nomem(msg, msg_len);
        goto done;
    }
    if (rc == IGRAPH_UNIMPLEMENTED) {
        snprintf(msg, msg_len, "topology.format: this igraph cannot read %s", fmt);
        err = SIM_EINPUT;
        goto done;
    }
    if (rc == IGRAPH_EFILE) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (rc != IGRAPH_SUCCESS) {
        snprintf(msg, msg_len, "topology.path: '%s' is not valid %s (%s)", full, fmt,
                 igraph_strerror(rc));
        err = SIM_EINPUT;
        goto done;
    }
    *ig_live = 1;
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (igraph_vcount(ig) == 0) {
        snprintf(msg, msg_len, "topology.path: '%s' has no nodes", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (igraph_is_directed(ig)) {
        rc = igraph_to_undirected(ig, IGRAPH_TO_UNDIRECTED_COLLAPSE, NULL);
        if (rc != IGRAPH_SUCCESS) {
            err = topocsr_igraph_fail(rc, "to_undirected", msg, msg_len);
            goto done;
        }
    }
    rc = igraph_simplify(ig, 1, 1, NULL);
    if (rc != IGRAPH_SUCCESS) {
        err = topocsr_igraph_fail(rc, "simplify", msg, msg_len);
        goto done;
    }

done:
    if (f != NULL) {
        fclose(f);
    }
    free(full);
    return err;
}

/*
 * Bounds for files without building: an edge list is scanned once (no pairs
 * kept, so O(bytes) time and O(1) memory) and gives n = max id + 1 and its
 * non-loop edge lines; GML and GraphML are bounded by their size, since a
 * node costs at least 10 bytes (`node[id 0]`, `<node id=""/>`) and an edge
 * at least 22 (`edge[source 0 target 1]`, `<edge source="" target=""/>`).
 */
sim_err topofile_estimate(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                          uint64_t *edges, char *msg, size_t msg_len)
{
    sim_err err;
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size = 0;
    topofile_el el;

    memset(&el, 0, sizeof el);
    err = topofile_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK && cfg->format == TOPO_FMT_EDGELIST) {
        err = topofile_el_scan(f, full, 0, &el, msg, msg_len);
        if (err == SIM_OK) {
            err = topofile_el_check_ids(&el, full, msg, msg_len);
        }
        *nodes = (uint64_t)el.max_id + 1;
        *edges = el.count;
    } else if (err == SIM_OK) {
        err = topofile_check_text_size(full, topofile_formats[cfg->format], size, msg, msg_len);
        *nodes = size / 8 + 1;
        *edges = size / 16;
    }
    if (f != NULL) {
        fclose(f);
    }
    free(full);
    return err;
}
