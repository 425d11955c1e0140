// PyTorch's zip container, through libtorch's own PyTorchStreamWriter/Reader. Reading also checks
// every record against the CRC-32 the archive's central directory holds for it: libtorch builds
// its zip reader without those checks, so flipped bytes in a tensor would otherwise load silently.
#include "internal.h"

#include <caffe2/serialize/inline_container.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace {
struct Writer {
    FILE *file = nullptr;
    std::unique_ptr<caffe2::serialize::PyTorchStreamWriter> writer;
};

struct Reader {
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    /// The CRC-32 of each record by its name inside the archive folder ("data/0").
    std::map<std::string, uint32_t> crcs;
};

/// Slicing-by-8 tables of the zip CRC-32 (reflected polynomial 0xEDB88320).
const std::array<std::array<uint32_t, 256>, 8> &crcTables() {
    static const auto tables = [] {
        std::array<std::array<uint32_t, 256>, 8> t{};
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (int k = 1; k < 8; k++)
            for (uint32_t i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
        return t;
    }();
    return tables;
}

uint32_t crc32(const uint8_t *p, size_t n) {
    const auto &t = crcTables();
    uint32_t c = 0xFFFFFFFFu;
    while (n >= 8) {
        uint32_t lo, hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;
        c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^ t[3][hi & 0xFF] ^
            t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = t[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

uint64_t little(const uint8_t *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/// Reads `n` bytes at `offset` of `file`.
std::vector<uint8_t> readAt(FILE *file, uint64_t offset, size_t n) {
    std::vector<uint8_t> buffer(n);
    TORCH_CHECK(fseeko(file, static_cast<off_t>(offset), SEEK_SET) == 0 && std::fread(buffer.data(), 1, n, file) == n,
                "the archive is truncated or unreadable");
    return buffer;
}

/// Each record's CRC-32 from the zip central directory (zip64 included), by the name
/// PyTorchStreamReader uses (without the archive's top folder).
std::map<std::string, uint32_t> centralDirectoryCRCs(const std::string &path) {
    std::unique_ptr<FILE, int (*)(FILE *)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    TORCH_CHECK(file != nullptr, "cannot open ", path);
    TORCH_CHECK(fseeko(file.get(), 0, SEEK_END) == 0, "cannot read ", path);
    const uint64_t size = static_cast<uint64_t>(ftello(file.get()));
    const uint64_t tail = std::min<uint64_t>(size, 65557);
    auto end = readAt(file.get(), size - tail, tail);
    int64_t eocd = -1;
    for (int64_t i = static_cast<int64_t>(tail) - 22; i >= 0; i--) {
        if (little(&end[i], 4) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    TORCH_CHECK(eocd >= 0, "the archive has no end of central directory");
    uint64_t entries = little(&end[eocd + 10], 2), cdOffset = little(&end[eocd + 16], 4);
    if ((entries == 0xFFFF || cdOffset == 0xFFFFFFFFu) && eocd >= 20 && little(&end[eocd - 20], 4) == 0x07064b50) {
        auto record = readAt(file.get(), little(&end[eocd - 20 + 8], 8), 56);
        TORCH_CHECK(little(record.data(), 4) == 0x06064b50, "the archive's zip64 directory record is damaged");
        entries = little(&record[32], 8);
        cdOffset = little(&record[48], 8);
    }
    std::map<std::string, uint32_t> crcs;
    uint64_t at = cdOffset;
    for (uint64_t e = 0; e < entries; e++) {
        auto header = readAt(file.get(), at, 46);
        TORCH_CHECK(little(header.data(), 4) == 0x02014b50, "the archive's central directory is damaged");
        const size_t nameLength = little(&header[28], 2), extra = little(&header[30], 2), comment = little(&header[32], 2);
        auto name = readAt(file.get(), at + 46, nameLength);
        std::string full(name.begin(), name.end());
        const auto slash = full.find('/');
        crcs[slash == std::string::npos ? full : full.substr(slash + 1)] = static_cast<uint32_t>(little(&header[16], 4));
        at += 46 + nameLength + extra + comment;
    }
    return crcs;
}
}  // namespace

extern "C" {

ct_archive_writer ct_archive_writer_open(const char *path) {
    CT_GUARD(return nullptr, {
        auto w = std::make_unique<Writer>();
        w->file = std::fopen(path, "wb");
        TORCH_CHECK(w->file != nullptr, "cannot create ", path);
        FILE *file = w->file;
        w->writer = std::make_unique<caffe2::serialize::PyTorchStreamWriter>(
            [file](const void *data, size_t size) -> size_t { return std::fwrite(data, 1, size, file); });
        return reinterpret_cast<ct_archive_writer>(w.release());
    })
}

int32_t ct_archive_writer_write(ct_archive_writer h, const char *name, const void *data, size_t size) {
    CT_GUARD(return -1, {
        reinterpret_cast<Writer *>(h)->writer->writeRecord(name, data, size);
        return 0;
    })
}

int32_t ct_archive_writer_finish(ct_archive_writer h) {
    auto w = reinterpret_cast<Writer *>(h);
    CT_GUARD(return -1, {
        w->writer->writeEndOfFile();
        TORCH_CHECK(std::fflush(w->file) == 0 && fsync(fileno(w->file)) == 0, "cannot flush the file to disk");
        std::fclose(w->file);
        w->file = nullptr;
        return 0;
    })
}

void ct_archive_writer_free(ct_archive_writer h) {
    auto w = reinterpret_cast<Writer *>(h);
    try {
        w->writer.reset();
    } catch (...) {
    }
    if (w->file != nullptr) std::fclose(w->file);
    delete w;
}

ct_archive_reader ct_archive_reader_open(const char *path) {
    CT_GUARD(return nullptr, {
        auto r = std::make_unique<Reader>();
        r->reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(std::string(path));
        r->crcs = centralDirectoryCRCs(path);
        return reinterpret_cast<ct_archive_reader>(r.release());
    })
}

int64_t ct_archive_reader_size(ct_archive_reader h, const char *name) {
    CT_GUARD(return -1, {
        auto r = reinterpret_cast<Reader *>(h)->reader.get();
        if (!r->hasRecord(name)) return -1;
        return static_cast<int64_t>(r->getRecordSize(name));
    })
}

int32_t ct_archive_reader_read(ct_archive_reader h, const char *name, void *dst, size_t size) {
    CT_GUARD(return -1, {
        auto archive = reinterpret_cast<Reader *>(h);
        size_t n = archive->reader->getRecord(name, dst, size);
        TORCH_CHECK(n == size, "record ", name, " holds ", n, " bytes, expected ", size);
        // A zero CRC means the writer did not compute one (torch.serialization.set_crc32_options(False)).
        auto expected = archive->crcs.find(name);
        if (expected != archive->crcs.end() && expected->second != 0) {
            const uint32_t actual = crc32(static_cast<const uint8_t *>(dst), size);
            TORCH_CHECK(actual == expected->second, "record ", name, " is corrupt: its bytes have CRC-32 ", actual,
                        ", the archive recorded ", expected->second, " when it was written");
        }
        return 0;
    })
}

void ct_archive_reader_free(ct_archive_reader h) {
    delete reinterpret_cast<Reader *>(h);
}

}
