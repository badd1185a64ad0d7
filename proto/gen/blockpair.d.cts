import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace blockpair. */
export namespace blockpair {

    /** Role enum. */
    enum Role {

        /** ROLE_UNSPECIFIED value */
        ROLE_UNSPECIFIED = 0,

        /** SOURCE value */
        SOURCE = 1,

        /** DEST value */
        DEST = 2
    }

    /**
     * Properties of a Hello.
     * @deprecated Use blockpair.Hello.$Properties instead.
     */
    interface IHello extends blockpair.Hello.$Properties {
    }

    /** Represents a Hello. */
    class Hello {

        /**
         * Constructs a new Hello.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Hello.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Hello version. */
        version: number;

        /** Hello initiator. */
        initiator: boolean;

        /** Hello capabilities. */
        capabilities: string[];

        /** Hello hashAlgorithm. */
        hashAlgorithm: string;

        /** Hello seed. */
        seed: Uint8Array;

        /** Hello software. */
        software: string;

        /**
         * Encodes the specified Hello message. Does not implicitly {@link blockpair.Hello.verify|verify} messages.
         * @param message Hello message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Hello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Hello message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Hello & blockpair.Hello.$Shape} Hello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Hello & blockpair.Hello.$Shape;

        /**
         * Gets the type url for Hello
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Hello {

        /** Properties of a Hello. */
        interface $Properties {

            /** Hello version */
            version?: (number|null);

            /** Hello initiator */
            initiator?: (boolean|null);

            /** Hello capabilities */
            capabilities?: (string[]|null);

            /** Hello hashAlgorithm */
            hashAlgorithm?: (string|null);

            /** Hello seed */
            seed?: (Uint8Array|null);

            /** Hello software */
            software?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Hello. */
        type $Shape = blockpair.Hello.$Properties;
    }

    /**
     * Properties of an Open.
     * @deprecated Use blockpair.Open.$Properties instead.
     */
    interface IOpen extends blockpair.Open.$Properties {
    }

    /** Represents an Open. */
    class Open {

        /**
         * Constructs a new Open.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Open.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Open path. */
        path: string;

        /** Open role. */
        role: blockpair.Role;

        /** Open blockSize. */
        blockSize: number;

        /** Open dryRun. */
        dryRun: boolean;

        /** Open force. */
        force: boolean;

        /** Open sourceSize. */
        sourceSize: number;

        /** Open job. */
        job: string;

        /** Open resumeFrom. */
        resumeFrom: number;

        /** Open verifyOnly. */
        verifyOnly: boolean;

        /** Open trackChanges. */
        trackChanges: boolean;

        /** Open pair. */
        pair: string;

        /** Open createMode. */
        createMode: number;

        /** Open createOwner. */
        createOwner: boolean;

        /** Open createUid. */
        createUid: number;

        /** Open createGid. */
        createGid: number;

        /** Open sourceName. */
        sourceName: string;

        /** Open changedRanges. */
        changedRanges: boolean;

        /** Open trustDestination. */
        trustDestination: boolean;

        /** Open noLineage. */
        noLineage: boolean;

        /** Open patchSeed. */
        patchSeed: Uint8Array;

        /**
         * Encodes the specified Open message. Does not implicitly {@link blockpair.Open.verify|verify} messages.
         * @param message Open message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Open.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Open message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Open & blockpair.Open.$Shape} Open
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Open & blockpair.Open.$Shape;

        /**
         * Gets the type url for Open
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Open {

        /** Properties of an Open. */
        interface $Properties {

            /** Open path */
            path?: (string|null);

            /** Open role */
            role?: (blockpair.Role|null);

            /** Open blockSize */
            blockSize?: (number|null);

            /** Open dryRun */
            dryRun?: (boolean|null);

            /** Open force */
            force?: (boolean|null);

            /** Open sourceSize */
            sourceSize?: (number|null);

            /** Open job */
            job?: (string|null);

            /** Open resumeFrom */
            resumeFrom?: (number|null);

            /** Open verifyOnly */
            verifyOnly?: (boolean|null);

            /** Open trackChanges */
            trackChanges?: (boolean|null);

            /** Open pair */
            pair?: (string|null);

            /** Open createMode */
            createMode?: (number|null);

            /** Open createOwner */
            createOwner?: (boolean|null);

            /** Open createUid */
            createUid?: (number|null);

            /** Open createGid */
            createGid?: (number|null);

            /** Open sourceName */
            sourceName?: (string|null);

            /** Open changedRanges */
            changedRanges?: (boolean|null);

            /** Open trustDestination */
            trustDestination?: (boolean|null);

            /** Open noLineage */
            noLineage?: (boolean|null);

            /** Open patchSeed */
            patchSeed?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Open. */
        type $Shape = blockpair.Open.$Properties;
    }

    /**
     * Properties of a Track.
     * @deprecated Use blockpair.Track.$Properties instead.
     */
    interface ITrack extends blockpair.Track.$Properties {
    }

    /** Represents a Track. */
    class Track {

        /**
         * Constructs a new Track.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Track.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Track method. */
        method: string;

        /** Track reason. */
        reason: string;

        /** Track digest. */
        digest: Uint8Array;

        /** Track rangeOffsets. */
        rangeOffsets: number[];

        /** Track rangeLengths. */
        rangeLengths: number[];

        /**
         * Encodes the specified Track message. Does not implicitly {@link blockpair.Track.verify|verify} messages.
         * @param message Track message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Track.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Track message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Track & blockpair.Track.$Shape} Track
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Track & blockpair.Track.$Shape;

        /**
         * Gets the type url for Track
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Track {

        /** Properties of a Track. */
        interface $Properties {

            /** Track method */
            method?: (string|null);

            /** Track reason */
            reason?: (string|null);

            /** Track digest */
            digest?: (Uint8Array|null);

            /** Track rangeOffsets */
            rangeOffsets?: (number[]|null);

            /** Track rangeLengths */
            rangeLengths?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Track. */
        type $Shape = blockpair.Track.$Properties;
    }

    /**
     * Properties of an Opened.
     * @deprecated Use blockpair.Opened.$Properties instead.
     */
    interface IOpened extends blockpair.Opened.$Properties {
    }

    /** Represents an Opened. */
    class Opened {

        /**
         * Constructs a new Opened.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Opened.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Opened size. */
        size: number;

        /** Opened existed. */
        existed: boolean;

        /** Opened isDevice. */
        isDevice: boolean;

        /** Opened mtimeMs. */
        mtimeMs: number;

        /** Opened dev. */
        dev: number;

        /** Opened ino. */
        ino: number;

        /** Opened track. */
        track?: (blockpair.Track.$Properties|null);

        /** Opened stamp. */
        stamp: string;

        /** Opened mode. */
        mode: number;

        /** Opened uid. */
        uid: number;

        /** Opened gid. */
        gid: number;

        /** Opened mtimeNs. */
        mtimeNs: string;

        /** Opened path. */
        path: string;

        /** Opened cacheSeed. */
        cacheSeed: Uint8Array;

        /** Opened cacheReason. */
        cacheReason: string;

        /**
         * Encodes the specified Opened message. Does not implicitly {@link blockpair.Opened.verify|verify} messages.
         * @param message Opened message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Opened.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Opened message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Opened & blockpair.Opened.$Shape} Opened
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Opened & blockpair.Opened.$Shape;

        /**
         * Gets the type url for Opened
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Opened {

        /** Properties of an Opened. */
        interface $Properties {

            /** Opened size */
            size?: (number|null);

            /** Opened existed */
            existed?: (boolean|null);

            /** Opened isDevice */
            isDevice?: (boolean|null);

            /** Opened mtimeMs */
            mtimeMs?: (number|null);

            /** Opened dev */
            dev?: (number|null);

            /** Opened ino */
            ino?: (number|null);

            /** Opened track */
            track?: (blockpair.Track.$Properties|null);

            /** Opened stamp */
            stamp?: (string|null);

            /** Opened mode */
            mode?: (number|null);

            /** Opened uid */
            uid?: (number|null);

            /** Opened gid */
            gid?: (number|null);

            /** Opened mtimeNs */
            mtimeNs?: (string|null);

            /** Opened path */
            path?: (string|null);

            /** Opened cacheSeed */
            cacheSeed?: (Uint8Array|null);

            /** Opened cacheReason */
            cacheReason?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Opened. */
        type $Shape = blockpair.Opened.$Properties;
    }

    /**
     * Properties of a Start.
     * @deprecated Use blockpair.Start.$Properties instead.
     */
    interface IStart extends blockpair.Start.$Properties {
    }

    /** Represents a Start. */
    class Start {

        /**
         * Constructs a new Start.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Start.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Start size. */
        size: number;

        /** Start blockSize. */
        blockSize: number;

        /** Start start. */
        start: number;

        /** Start end. */
        end: number;

        /** Start destZeroFrom. */
        destZeroFrom: number;

        /** Start dryRun. */
        dryRun: boolean;

        /** Start verify. */
        verify: boolean;

        /** Start tracked. */
        tracked: boolean;

        /** Start rangeOffsets. */
        rangeOffsets: number[];

        /** Start rangeLengths. */
        rangeLengths: number[];

        /** Start mtimeNs. */
        mtimeNs: string;

        /** Start cacheSeed. */
        cacheSeed: Uint8Array;

        /**
         * Encodes the specified Start message. Does not implicitly {@link blockpair.Start.verify|verify} messages.
         * @param message Start message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Start.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Start message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Start & blockpair.Start.$Shape} Start
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Start & blockpair.Start.$Shape;

        /**
         * Gets the type url for Start
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Start {

        /** Properties of a Start. */
        interface $Properties {

            /** Start size */
            size?: (number|null);

            /** Start blockSize */
            blockSize?: (number|null);

            /** Start start */
            start?: (number|null);

            /** Start end */
            end?: (number|null);

            /** Start destZeroFrom */
            destZeroFrom?: (number|null);

            /** Start dryRun */
            dryRun?: (boolean|null);

            /** Start verify */
            verify?: (boolean|null);

            /** Start tracked */
            tracked?: (boolean|null);

            /** Start rangeOffsets */
            rangeOffsets?: (number[]|null);

            /** Start rangeLengths */
            rangeLengths?: (number[]|null);

            /** Start mtimeNs */
            mtimeNs?: (string|null);

            /** Start cacheSeed */
            cacheSeed?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Start. */
        type $Shape = blockpair.Start.$Properties;
    }

    /**
     * Properties of a Manifest.
     * @deprecated Use blockpair.Manifest.$Properties instead.
     */
    interface IManifest extends blockpair.Manifest.$Properties {
    }

    /** Represents a Manifest. */
    class Manifest {

        /**
         * Constructs a new Manifest.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Manifest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Manifest segment. */
        segment: number;

        /** Manifest hashes. */
        hashes: Uint8Array;

        /** Manifest zeros. */
        zeros: Uint8Array;

        /** Manifest count. */
        count: number;

        /**
         * Encodes the specified Manifest message. Does not implicitly {@link blockpair.Manifest.verify|verify} messages.
         * @param message Manifest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Manifest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Manifest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Manifest & blockpair.Manifest.$Shape} Manifest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Manifest & blockpair.Manifest.$Shape;

        /**
         * Gets the type url for Manifest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Manifest {

        /** Properties of a Manifest. */
        interface $Properties {

            /** Manifest segment */
            segment?: (number|null);

            /** Manifest hashes */
            hashes?: (Uint8Array|null);

            /** Manifest zeros */
            zeros?: (Uint8Array|null);

            /** Manifest count */
            count?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Manifest. */
        type $Shape = blockpair.Manifest.$Properties;
    }

    /**
     * Properties of a Refine.
     * @deprecated Use blockpair.Refine.$Properties instead.
     */
    interface IRefine extends blockpair.Refine.$Properties {
    }

    /** Represents a Refine. */
    class Refine {

        /**
         * Constructs a new Refine.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Refine.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Refine segment. */
        segment: number;

        /** Refine blocks. */
        blocks: number[];

        /**
         * Encodes the specified Refine message. Does not implicitly {@link blockpair.Refine.verify|verify} messages.
         * @param message Refine message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Refine.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Refine message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Refine & blockpair.Refine.$Shape} Refine
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Refine & blockpair.Refine.$Shape;

        /**
         * Gets the type url for Refine
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Refine {

        /** Properties of a Refine. */
        interface $Properties {

            /** Refine segment */
            segment?: (number|null);

            /** Refine blocks */
            blocks?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Refine. */
        type $Shape = blockpair.Refine.$Properties;
    }

    /**
     * Properties of a RefineHashes.
     * @deprecated Use blockpair.RefineHashes.$Properties instead.
     */
    interface IRefineHashes extends blockpair.RefineHashes.$Properties {
    }

    /** Represents a RefineHashes. */
    class RefineHashes {

        /**
         * Constructs a new RefineHashes.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.RefineHashes.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** RefineHashes segment. */
        segment: number;

        /** RefineHashes hashes. */
        hashes: Uint8Array;

        /**
         * Encodes the specified RefineHashes message. Does not implicitly {@link blockpair.RefineHashes.verify|verify} messages.
         * @param message RefineHashes message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.RefineHashes.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a RefineHashes message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.RefineHashes & blockpair.RefineHashes.$Shape} RefineHashes
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.RefineHashes & blockpair.RefineHashes.$Shape;

        /**
         * Gets the type url for RefineHashes
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace RefineHashes {

        /** Properties of a RefineHashes. */
        interface $Properties {

            /** RefineHashes segment */
            segment?: (number|null);

            /** RefineHashes hashes */
            hashes?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a RefineHashes. */
        type $Shape = blockpair.RefineHashes.$Properties;
    }

    /**
     * Properties of a Data.
     * @deprecated Use blockpair.Data.$Properties instead.
     */
    interface IData extends blockpair.Data.$Properties {
    }

    /** Represents a Data. */
    class Data {

        /**
         * Constructs a new Data.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Data.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Data offset. */
        offset: number;

        /** Data length. */
        length: number;

        /** Data pieceOffsets. */
        pieceOffsets: number[];

        /** Data pieceLengths. */
        pieceLengths: number[];

        /**
         * Encodes the specified Data message. Does not implicitly {@link blockpair.Data.verify|verify} messages.
         * @param message Data message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Data.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Data message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Data & blockpair.Data.$Shape} Data
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Data & blockpair.Data.$Shape;

        /**
         * Gets the type url for Data
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Data {

        /** Properties of a Data. */
        interface $Properties {

            /** Data offset */
            offset?: (number|null);

            /** Data length */
            length?: (number|null);

            /** Data pieceOffsets */
            pieceOffsets?: (number[]|null);

            /** Data pieceLengths */
            pieceLengths?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Data. */
        type $Shape = blockpair.Data.$Properties;
    }

    /**
     * Properties of a Zero.
     * @deprecated Use blockpair.Zero.$Properties instead.
     */
    interface IZero extends blockpair.Zero.$Properties {
    }

    /** Represents a Zero. */
    class Zero {

        /**
         * Constructs a new Zero.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Zero.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Zero offset. */
        offset: number;

        /** Zero length. */
        length: number;

        /**
         * Encodes the specified Zero message. Does not implicitly {@link blockpair.Zero.verify|verify} messages.
         * @param message Zero message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Zero.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Zero message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Zero & blockpair.Zero.$Shape} Zero
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Zero & blockpair.Zero.$Shape;

        /**
         * Gets the type url for Zero
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Zero {

        /** Properties of a Zero. */
        interface $Properties {

            /** Zero offset */
            offset?: (number|null);

            /** Zero length */
            length?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Zero. */
        type $Shape = blockpair.Zero.$Properties;
    }

    /**
     * Properties of a SegmentEnd.
     * @deprecated Use blockpair.SegmentEnd.$Properties instead.
     */
    interface ISegmentEnd extends blockpair.SegmentEnd.$Properties {
    }

    /** Represents a SegmentEnd. */
    class SegmentEnd {

        /**
         * Constructs a new SegmentEnd.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.SegmentEnd.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SegmentEnd segment. */
        segment: number;

        /** SegmentEnd count. */
        count: number;

        /**
         * Encodes the specified SegmentEnd message. Does not implicitly {@link blockpair.SegmentEnd.verify|verify} messages.
         * @param message SegmentEnd message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.SegmentEnd.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SegmentEnd message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.SegmentEnd & blockpair.SegmentEnd.$Shape} SegmentEnd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.SegmentEnd & blockpair.SegmentEnd.$Shape;

        /**
         * Gets the type url for SegmentEnd
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace SegmentEnd {

        /** Properties of a SegmentEnd. */
        interface $Properties {

            /** SegmentEnd segment */
            segment?: (number|null);

            /** SegmentEnd count */
            count?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SegmentEnd. */
        type $Shape = blockpair.SegmentEnd.$Properties;
    }

    /**
     * Properties of a Checkpoint.
     * @deprecated Use blockpair.Checkpoint.$Properties instead.
     */
    interface ICheckpoint extends blockpair.Checkpoint.$Properties {
    }

    /** Represents a Checkpoint. */
    class Checkpoint {

        /**
         * Constructs a new Checkpoint.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Checkpoint.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Checkpoint offset. */
        offset: number;

        /** Checkpoint stamp. */
        stamp: string;

        /**
         * Encodes the specified Checkpoint message. Does not implicitly {@link blockpair.Checkpoint.verify|verify} messages.
         * @param message Checkpoint message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Checkpoint.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Checkpoint message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Checkpoint & blockpair.Checkpoint.$Shape} Checkpoint
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Checkpoint & blockpair.Checkpoint.$Shape;

        /**
         * Gets the type url for Checkpoint
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Checkpoint {

        /** Properties of a Checkpoint. */
        interface $Properties {

            /** Checkpoint offset */
            offset?: (number|null);

            /** Checkpoint stamp */
            stamp?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Checkpoint. */
        type $Shape = blockpair.Checkpoint.$Properties;
    }

    /**
     * Properties of a Stats.
     * @deprecated Use blockpair.Stats.$Properties instead.
     */
    interface IStats extends blockpair.Stats.$Properties {
    }

    /** Represents a Stats. */
    class Stats {

        /**
         * Constructs a new Stats.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Stats.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Stats bytesRead. */
        bytesRead: number;

        /** Stats bytesWritten. */
        bytesWritten: number;

        /** Stats bytesZeroed. */
        bytesZeroed: number;

        /** Stats bytesSent. */
        bytesSent: number;

        /** Stats blocksChanged. */
        blocksChanged: number;

        /**
         * Encodes the specified Stats message. Does not implicitly {@link blockpair.Stats.verify|verify} messages.
         * @param message Stats message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Stats.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Stats message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Stats & blockpair.Stats.$Shape} Stats
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Stats & blockpair.Stats.$Shape;

        /**
         * Gets the type url for Stats
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Stats {

        /** Properties of a Stats. */
        interface $Properties {

            /** Stats bytesRead */
            bytesRead?: (number|null);

            /** Stats bytesWritten */
            bytesWritten?: (number|null);

            /** Stats bytesZeroed */
            bytesZeroed?: (number|null);

            /** Stats bytesSent */
            bytesSent?: (number|null);

            /** Stats blocksChanged */
            blocksChanged?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Stats. */
        type $Shape = blockpair.Stats.$Properties;
    }

    /**
     * Properties of a Finish.
     * @deprecated Use blockpair.Finish.$Properties instead.
     */
    interface IFinish extends blockpair.Finish.$Properties {
    }

    /** Represents a Finish. */
    class Finish {

        /**
         * Constructs a new Finish.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Finish.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Finish digest. */
        digest: Uint8Array;

        /** Finish stats. */
        stats?: (blockpair.Stats.$Properties|null);

        /** Finish sourceChanged. */
        sourceChanged: boolean;

        /** Finish diffOffsets. */
        diffOffsets: number[];

        /** Finish diffLengths. */
        diffLengths: number[];

        /**
         * Encodes the specified Finish message. Does not implicitly {@link blockpair.Finish.verify|verify} messages.
         * @param message Finish message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Finish.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Finish message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Finish & blockpair.Finish.$Shape} Finish
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Finish & blockpair.Finish.$Shape;

        /**
         * Gets the type url for Finish
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Finish {

        /** Properties of a Finish. */
        interface $Properties {

            /** Finish digest */
            digest?: (Uint8Array|null);

            /** Finish stats */
            stats?: (blockpair.Stats.$Properties|null);

            /** Finish sourceChanged */
            sourceChanged?: (boolean|null);

            /** Finish diffOffsets */
            diffOffsets?: (number[]|null);

            /** Finish diffLengths */
            diffLengths?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Finish. */
        type $Shape = blockpair.Finish.$Properties;
    }

    /**
     * Properties of a Finished.
     * @deprecated Use blockpair.Finished.$Properties instead.
     */
    interface IFinished extends blockpair.Finished.$Properties {
    }

    /** Represents a Finished. */
    class Finished {

        /**
         * Constructs a new Finished.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Finished.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Finished digest. */
        digest: Uint8Array;

        /** Finished stats. */
        stats?: (blockpair.Stats.$Properties|null);

        /** Finished verified. */
        verified: boolean;

        /**
         * Encodes the specified Finished message. Does not implicitly {@link blockpair.Finished.verify|verify} messages.
         * @param message Finished message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Finished.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Finished message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Finished & blockpair.Finished.$Shape} Finished
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Finished & blockpair.Finished.$Shape;

        /**
         * Gets the type url for Finished
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Finished {

        /** Properties of a Finished. */
        interface $Properties {

            /** Finished digest */
            digest?: (Uint8Array|null);

            /** Finished stats */
            stats?: (blockpair.Stats.$Properties|null);

            /** Finished verified */
            verified?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Finished. */
        type $Shape = blockpair.Finished.$Properties;
    }

    /**
     * Properties of a Keepalive.
     * @deprecated Use blockpair.Keepalive.$Properties instead.
     */
    interface IKeepalive extends blockpair.Keepalive.$Properties {
    }

    /** Represents a Keepalive. */
    class Keepalive {

        /**
         * Constructs a new Keepalive.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Keepalive.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /**
         * Encodes the specified Keepalive message. Does not implicitly {@link blockpair.Keepalive.verify|verify} messages.
         * @param message Keepalive message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Keepalive.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Keepalive message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Keepalive & blockpair.Keepalive.$Shape} Keepalive
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Keepalive & blockpair.Keepalive.$Shape;

        /**
         * Gets the type url for Keepalive
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Keepalive {

        /** Properties of a Keepalive. */
        interface $Properties {

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Keepalive. */
        type $Shape = blockpair.Keepalive.$Properties;
    }

    /**
     * Properties of an Error.
     * @deprecated Use blockpair.Error.$Properties instead.
     */
    interface IError extends blockpair.Error.$Properties {
    }

    /** Represents an Error. */
    class Error {

        /**
         * Constructs a new Error.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Error.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Error code. */
        code: string;

        /** Error exit. */
        exit: number;

        /** Error message. */
        message: string;

        /**
         * Encodes the specified Error message. Does not implicitly {@link blockpair.Error.verify|verify} messages.
         * @param message Error message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Error.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Error message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Error & blockpair.Error.$Shape} Error
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Error & blockpair.Error.$Shape;

        /**
         * Gets the type url for Error
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Error {

        /** Properties of an Error. */
        interface $Properties {

            /** Error code */
            code?: (string|null);

            /** Error exit */
            exit?: (number|null);

            /** Error message */
            message?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Error. */
        type $Shape = blockpair.Error.$Properties;
    }

    /**
     * Properties of a FileHeader.
     * @deprecated Use blockpair.FileHeader.$Properties instead.
     */
    interface IFileHeader extends blockpair.FileHeader.$Properties {
    }

    /** Represents a FileHeader. */
    class FileHeader {

        /**
         * Constructs a new FileHeader.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.FileHeader.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FileHeader magic. */
        magic: string;

        /** FileHeader version. */
        version: number;

        /** FileHeader size. */
        size: number;

        /** FileHeader baseSize. */
        baseSize: number;

        /** FileHeader blockSize. */
        blockSize: number;

        /** FileHeader seed. */
        seed: Uint8Array;

        /** FileHeader compression. */
        compression: string;

        /**
         * Encodes the specified FileHeader message. Does not implicitly {@link blockpair.FileHeader.verify|verify} messages.
         * @param message FileHeader message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.FileHeader.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FileHeader message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.FileHeader & blockpair.FileHeader.$Shape} FileHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.FileHeader & blockpair.FileHeader.$Shape;

        /**
         * Gets the type url for FileHeader
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FileHeader {

        /** Properties of a FileHeader. */
        interface $Properties {

            /** FileHeader magic */
            magic?: (string|null);

            /** FileHeader version */
            version?: (number|null);

            /** FileHeader size */
            size?: (number|null);

            /** FileHeader baseSize */
            baseSize?: (number|null);

            /** FileHeader blockSize */
            blockSize?: (number|null);

            /** FileHeader seed */
            seed?: (Uint8Array|null);

            /** FileHeader compression */
            compression?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FileHeader. */
        type $Shape = blockpair.FileHeader.$Properties;
    }

    /**
     * Properties of a PatchBlocks.
     * @deprecated Use blockpair.PatchBlocks.$Properties instead.
     */
    interface IPatchBlocks extends blockpair.PatchBlocks.$Properties {
    }

    /** Represents a PatchBlocks. */
    class PatchBlocks {

        /**
         * Constructs a new PatchBlocks.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.PatchBlocks.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** PatchBlocks segment. */
        segment: number;

        /** PatchBlocks blocks. */
        blocks: number[];

        /** PatchBlocks base. */
        base: Uint8Array;

        /** PatchBlocks result. */
        result: Uint8Array;

        /**
         * Encodes the specified PatchBlocks message. Does not implicitly {@link blockpair.PatchBlocks.verify|verify} messages.
         * @param message PatchBlocks message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.PatchBlocks.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a PatchBlocks message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.PatchBlocks & blockpair.PatchBlocks.$Shape} PatchBlocks
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.PatchBlocks & blockpair.PatchBlocks.$Shape;

        /**
         * Gets the type url for PatchBlocks
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace PatchBlocks {

        /** Properties of a PatchBlocks. */
        interface $Properties {

            /** PatchBlocks segment */
            segment?: (number|null);

            /** PatchBlocks blocks */
            blocks?: (number[]|null);

            /** PatchBlocks base */
            base?: (Uint8Array|null);

            /** PatchBlocks result */
            result?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a PatchBlocks. */
        type $Shape = blockpair.PatchBlocks.$Properties;
    }

    /**
     * Properties of a FileEnd.
     * @deprecated Use blockpair.FileEnd.$Properties instead.
     */
    interface IFileEnd extends blockpair.FileEnd.$Properties {
    }

    /** Represents a FileEnd. */
    class FileEnd {

        /**
         * Constructs a new FileEnd.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.FileEnd.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FileEnd baseDigest. */
        baseDigest: Uint8Array;

        /** FileEnd digest. */
        digest: Uint8Array;

        /** FileEnd records. */
        records: number;

        /** FileEnd bytesData. */
        bytesData: number;

        /** FileEnd bytesZero. */
        bytesZero: number;

        /**
         * Encodes the specified FileEnd message. Does not implicitly {@link blockpair.FileEnd.verify|verify} messages.
         * @param message FileEnd message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.FileEnd.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FileEnd message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.FileEnd & blockpair.FileEnd.$Shape} FileEnd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.FileEnd & blockpair.FileEnd.$Shape;

        /**
         * Gets the type url for FileEnd
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FileEnd {

        /** Properties of a FileEnd. */
        interface $Properties {

            /** FileEnd baseDigest */
            baseDigest?: (Uint8Array|null);

            /** FileEnd digest */
            digest?: (Uint8Array|null);

            /** FileEnd records */
            records?: (number|null);

            /** FileEnd bytesData */
            bytesData?: (number|null);

            /** FileEnd bytesZero */
            bytesZero?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FileEnd. */
        type $Shape = blockpair.FileEnd.$Properties;
    }

    /**
     * Properties of a Frame.
     * @deprecated Use blockpair.Frame.$Properties instead.
     */
    interface IFrame extends blockpair.Frame.$Properties {
    }

    /** Represents a Frame. */
    class Frame {

        /**
         * Constructs a new Frame.
         * @param [properties] Properties to set
         */
        constructor(properties?: blockpair.Frame.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Frame hello. */
        hello?: (blockpair.Hello.$Properties|null);

        /** Frame open. */
        open?: (blockpair.Open.$Properties|null);

        /** Frame opened. */
        opened?: (blockpair.Opened.$Properties|null);

        /** Frame start. */
        start?: (blockpair.Start.$Properties|null);

        /** Frame manifest. */
        manifest?: (blockpair.Manifest.$Properties|null);

        /** Frame refine. */
        refine?: (blockpair.Refine.$Properties|null);

        /** Frame refineHashes. */
        refineHashes?: (blockpair.RefineHashes.$Properties|null);

        /** Frame data. */
        data?: (blockpair.Data.$Properties|null);

        /** Frame zero. */
        zero?: (blockpair.Zero.$Properties|null);

        /** Frame segmentEnd. */
        segmentEnd?: (blockpair.SegmentEnd.$Properties|null);

        /** Frame checkpoint. */
        checkpoint?: (blockpair.Checkpoint.$Properties|null);

        /** Frame finish. */
        finish?: (blockpair.Finish.$Properties|null);

        /** Frame finished. */
        finished?: (blockpair.Finished.$Properties|null);

        /** Frame error. */
        error?: (blockpair.Error.$Properties|null);

        /** Frame keepalive. */
        keepalive?: (blockpair.Keepalive.$Properties|null);

        /** Frame fileHeader. */
        fileHeader?: (blockpair.FileHeader.$Properties|null);

        /** Frame patchBlocks. */
        patchBlocks?: (blockpair.PatchBlocks.$Properties|null);

        /** Frame fileEnd. */
        fileEnd?: (blockpair.FileEnd.$Properties|null);

        /** Frame body. */
        body?: ("hello"|"open"|"opened"|"start"|"manifest"|"refine"|"refineHashes"|"data"|"zero"|"segmentEnd"|"checkpoint"|"finish"|"finished"|"error"|"keepalive"|"fileHeader"|"patchBlocks"|"fileEnd");

        /**
         * Encodes the specified Frame message. Does not implicitly {@link blockpair.Frame.verify|verify} messages.
         * @param message Frame message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: blockpair.Frame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Frame message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {blockpair.Frame & blockpair.Frame.$Shape} Frame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): blockpair.Frame & blockpair.Frame.$Shape;

        /**
         * Gets the type url for Frame
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Frame {

        /** Properties of a Frame. */
        interface $Properties {

            /** Frame hello */
            hello?: (blockpair.Hello.$Properties|null);

            /** Frame open */
            open?: (blockpair.Open.$Properties|null);

            /** Frame opened */
            opened?: (blockpair.Opened.$Properties|null);

            /** Frame start */
            start?: (blockpair.Start.$Properties|null);

            /** Frame manifest */
            manifest?: (blockpair.Manifest.$Properties|null);

            /** Frame refine */
            refine?: (blockpair.Refine.$Properties|null);

            /** Frame refineHashes */
            refineHashes?: (blockpair.RefineHashes.$Properties|null);

            /** Frame data */
            data?: (blockpair.Data.$Properties|null);

            /** Frame zero */
            zero?: (blockpair.Zero.$Properties|null);

            /** Frame segmentEnd */
            segmentEnd?: (blockpair.SegmentEnd.$Properties|null);

            /** Frame checkpoint */
            checkpoint?: (blockpair.Checkpoint.$Properties|null);

            /** Frame finish */
            finish?: (blockpair.Finish.$Properties|null);

            /** Frame finished */
            finished?: (blockpair.Finished.$Properties|null);

            /** Frame error */
            error?: (blockpair.Error.$Properties|null);

            /** Frame keepalive */
            keepalive?: (blockpair.Keepalive.$Properties|null);

            /** Frame fileHeader */
            fileHeader?: (blockpair.FileHeader.$Properties|null);

            /** Frame patchBlocks */
            patchBlocks?: (blockpair.PatchBlocks.$Properties|null);

            /** Frame fileEnd */
            fileEnd?: (blockpair.FileEnd.$Properties|null);

            /** Frame body */
            body?: ("hello"|"open"|"opened"|"start"|"manifest"|"refine"|"refineHashes"|"data"|"zero"|"segmentEnd"|"checkpoint"|"finish"|"finished"|"error"|"keepalive"|"fileHeader"|"patchBlocks"|"fileEnd");

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Narrowed shape of a Frame. */
        type $Shape = {
          hello?: blockpair.Hello.$Shape|null;
          open?: blockpair.Open.$Shape|null;
          opened?: blockpair.Opened.$Shape|null;
          start?: blockpair.Start.$Shape|null;
          manifest?: blockpair.Manifest.$Shape|null;
          refine?: blockpair.Refine.$Shape|null;
          refineHashes?: blockpair.RefineHashes.$Shape|null;
          data?: blockpair.Data.$Shape|null;
          zero?: blockpair.Zero.$Shape|null;
          segmentEnd?: blockpair.SegmentEnd.$Shape|null;
          checkpoint?: blockpair.Checkpoint.$Shape|null;
          finish?: blockpair.Finish.$Shape|null;
          finished?: blockpair.Finished.$Shape|null;
          error?: blockpair.Error.$Shape|null;
          keepalive?: blockpair.Keepalive.$Shape|null;
          fileHeader?: blockpair.FileHeader.$Shape|null;
          patchBlocks?: blockpair.PatchBlocks.$Shape|null;
          fileEnd?: blockpair.FileEnd.$Shape|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ body?: undefined; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "hello"; hello: blockpair.Hello.$Shape; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "open"; hello?: null; open: blockpair.Open.$Shape; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "opened"; hello?: null; open?: null; opened: blockpair.Opened.$Shape; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "start"; hello?: null; open?: null; opened?: null; start: blockpair.Start.$Shape; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "manifest"; hello?: null; open?: null; opened?: null; start?: null; manifest: blockpair.Manifest.$Shape; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "refine"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine: blockpair.Refine.$Shape; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "refineHashes"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes: blockpair.RefineHashes.$Shape; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "data"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data: blockpair.Data.$Shape; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "zero"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero: blockpair.Zero.$Shape; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "segmentEnd"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd: blockpair.SegmentEnd.$Shape; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "checkpoint"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint: blockpair.Checkpoint.$Shape; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "finish"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish: blockpair.Finish.$Shape; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "finished"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished: blockpair.Finished.$Shape; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "error"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error: blockpair.Error.$Shape; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "keepalive"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive: blockpair.Keepalive.$Shape; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "fileHeader"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader: blockpair.FileHeader.$Shape; patchBlocks?: null; fileEnd?: null }|{ body?: "patchBlocks"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks: blockpair.PatchBlocks.$Shape; fileEnd?: null }|{ body?: "fileEnd"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd: blockpair.FileEnd.$Shape })
        );
    }
}
