#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its ICU headers clash with Foundation's copy on a clean build.
// xmlversion.h must come first so that the #undef below wins before any other libxml header.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/encoding.h>
#include <libxml/globals.h>

/// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void cxml_free(void *pointer) { xmlFree(pointer); }

/// `XML_SAX2_MAGIC` does not fit Swift's imported integer macro types reliably.
static inline unsigned int cxml_sax2_magic(void) { return XML_SAX2_MAGIC; }

/// Generic (printf-style) errors are variadic, which Swift cannot implement; this one drops them.
static inline void cxml_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// The per-thread error handlers libxml2 uses for errors that have no parser context
/// (an iconv conversion failure, "xmlParseChunk: encoder error").
typedef struct {
    xmlStructuredErrorFunc structured;
    void *structuredContext;
    xmlGenericErrorFunc generic;
    void *genericContext;
} cxml_error_handlers;

/// Routes this thread's context-free libxml2 errors to `structured` (and silences the generic
/// channel, which would print to stderr); returns the handlers to put back afterwards.
static inline cxml_error_handlers cxml_install_error_handlers(void *context, xmlStructuredErrorFunc structured) {
    cxml_error_handlers saved = { xmlStructuredError, xmlStructuredErrorContext, xmlGenericError, xmlGenericErrorContext };
    xmlSetStructuredErrorFunc(context, structured);
    xmlSetGenericErrorFunc(NULL, cxml_ignore_generic_error);
    return saved;
}

static inline void cxml_restore_error_handlers(cxml_error_handlers saved) {
    xmlSetStructuredErrorFunc(saved.structuredContext, saved.structured);
    xmlSetGenericErrorFunc(saved.genericContext, saved.generic);
}

#endif
