package dev.jinn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The zip format of {@code torch.save} (PyTorch 1.6 and later): an uncompressed zip archive whose entries share
 * one top directory ({@code archive/} or the file's stem): {@code data.pkl} (the pickle, with storages as
 * persistent ids {@code ('storage', type, key, location, numel)}), {@code data/<key>} (each storage's raw
 * bytes), {@code byteorder} ({@code little} or {@code big}; little when absent) and {@code version}.
 */
final class TorchZipFormat {
    /** The pickle is read into the heap; a state dict's pickle is a few bytes per tensor. */
    private static final long MAX_PICKLE = 1L << 30;

    private TorchZipFormat() {
    }

    static TorchFile read(Path file, FileChannel ch, long mmapThreshold) throws IOException {
        Map<String, ZipDirectory.Entry> entries = ZipDirectory.read(file, ch);
        List<String> pickles = new ArrayList<>();
        for (String name : entries.keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                pickles.add(name);
            }
        }
        if (pickles.size() != 1) {
            throw new TorchFileException(file, "a zip archive with " + (pickles.isEmpty() ? "no" : pickles.size())
                    + " <dir>/data.pkl records (not a torch.save file)");
        }
        String root = pickles.get(0).substring(0, pickles.get(0).indexOf('/') + 1);
        ByteOrder order = byteOrder(file, ch, entries.get(root + "byteorder"));
        Map<String, TorchStorages.Region> regions = new HashMap<>();
        String data = root + "data/";
        for (ZipDirectory.Entry e : entries.values()) {
            if (e.name().startsWith(data)) {
                stored(file, e);
                regions.put(e.name().substring(data.length()), new TorchStorages.Region(e.offset(), e.size()));
            }
        }
        ZipDirectory.Entry pkl = stored(file, entries.get(pickles.get(0)));
        if (pkl.size() > MAX_PICKLE) {
            throw new TorchFileException(file, "a data.pkl of " + pkl.size() + " bytes (more than " + MAX_PICKLE + ")");
        }
        Object value = Unpickler.load(new PickleInput(file, ChannelReads.readAt(file, ch, pkl.offset(), (int) pkl.size(), pkl.name())));
        return TorchTree.of(file, value, new TorchStorages(file, ch, order, mmapThreshold, regions));
    }

    /** The entry, when its bytes are its contents; a compressed or encrypted record is refused. */
    private static ZipDirectory.Entry stored(Path file, ZipDirectory.Entry e) throws TorchFileException {
        if (!e.stored()) {
            throw new TorchFileException(file, "zip archive: entry '" + e.name() + "' is compressed or encrypted;"
                    + " torch.save stores every record uncompressed");
        }
        return e;
    }

    private static ByteOrder byteOrder(Path file, FileChannel ch, ZipDirectory.Entry e) throws IOException {
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        stored(file, e);
        if (e.size() > 16) {
            throw new TorchFileException(file, "a byteorder record of " + e.size() + " bytes");
        }
        String text = StandardCharsets.US_ASCII.decode(ChannelReads.readAt(file, ch, e.offset(), (int) e.size(), e.name())).toString().trim();
        switch (text) {
            case "little": return ByteOrder.LITTLE_ENDIAN;
            case "big": return ByteOrder.BIG_ENDIAN;
            default: throw new TorchFileException(file, "byteorder '" + text + "' (neither little nor big)");
        }
    }
}
