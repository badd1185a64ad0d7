/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
var $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.blockpair = (function() {

    /**
     * Namespace blockpair.
     * @exports blockpair
     * @namespace
     */
    var blockpair = {};

    /**
     * Role enum.
     * @name blockpair.Role
     * @enum {number}
     * @property {number} ROLE_UNSPECIFIED=0 ROLE_UNSPECIFIED value
     * @property {number} SOURCE=1 SOURCE value
     * @property {number} DEST=2 DEST value
     */
    blockpair.Role = (function() {
        var valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "ROLE_UNSPECIFIED"] = 0;
        values[valuesById[1] = "SOURCE"] = 1;
        values[valuesById[2] = "DEST"] = 2;
        return values;
    })();

    blockpair.Hello = (function() {

        /**
         * Properties of a Hello.
         * @typedef {Object} blockpair.Hello.$Properties
         * @property {number|null} [version] Hello version
         * @property {boolean|null} [initiator] Hello initiator
         * @property {Array.<string>|null} [capabilities] Hello capabilities
         * @property {string|null} [hashAlgorithm] Hello hashAlgorithm
         * @property {Uint8Array|null} [seed] Hello seed
         * @property {string|null} [software] Hello software
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Hello.
         * @memberof blockpair
         * @interface IHello
         * @augments blockpair.Hello.$Properties
         * @deprecated Use blockpair.Hello.$Properties instead.
         */

        /**
         * Shape of a Hello.
         * @typedef {blockpair.Hello.$Properties} blockpair.Hello.$Shape
         */

        /**
         * Constructs a new Hello.
         * @memberof blockpair
         * @classdesc Represents a Hello.
         * @constructor
         * @param {blockpair.Hello.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Hello = function (properties) {
            this.capabilities = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Hello version.
         * @member {number} version
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.version = 0;

        /**
         * Hello initiator.
         * @member {boolean} initiator
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.initiator = false;

        /**
         * Hello capabilities.
         * @member {Array.<string>} capabilities
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.capabilities = $util.emptyArray;

        /**
         * Hello hashAlgorithm.
         * @member {string} hashAlgorithm
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.hashAlgorithm = "";

        /**
         * Hello seed.
         * @member {Uint8Array} seed
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.seed = $util.newBuffer([]);

        /**
         * Hello software.
         * @member {string} software
         * @memberof blockpair.Hello
         * @instance
         */
        Hello.prototype.software = "";

        /**
         * Encodes the specified Hello message. Does not implicitly {@link blockpair.Hello.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Hello
         * @static
         * @param {blockpair.Hello.$Properties} message Hello message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Hello.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.version);
            if (message.initiator != null && $Object.hasOwnProperty.call(message, "initiator") && message.initiator !== false)
                writer.uint32(/* id 2, wireType 0 =*/16).bool(message.initiator);
            if (message.capabilities != null && message.capabilities.length)
                for (var i = 0; i < message.capabilities.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.capabilities[i]);
            if (message.hashAlgorithm != null && $Object.hasOwnProperty.call(message, "hashAlgorithm") && message.hashAlgorithm !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.hashAlgorithm);
            if (message.seed != null && $Object.hasOwnProperty.call(message, "seed") && message.seed.length)
                writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.seed);
            if (message.software != null && $Object.hasOwnProperty.call(message, "software") && message.software !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.software);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Hello message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Hello
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Hello & blockpair.Hello.$Shape} Hello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Hello.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Hello();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.initiator = value;
                        else
                            delete message.initiator;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.capabilities && message.capabilities.length))
                            message.capabilities = [];
                        message.capabilities.push(reader.stringVerify());
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.hashAlgorithm = value;
                        else
                            delete message.hashAlgorithm;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.seed = value;
                        else
                            delete message.seed;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.software = value;
                        else
                            delete message.software;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Hello
         * @function getTypeUrl
         * @memberof blockpair.Hello
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Hello.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Hello";
        };

        return Hello;
    })();

    blockpair.Open = (function() {

        /**
         * Properties of an Open.
         * @typedef {Object} blockpair.Open.$Properties
         * @property {string|null} [path] Open path
         * @property {blockpair.Role|null} [role] Open role
         * @property {number|null} [blockSize] Open blockSize
         * @property {boolean|null} [dryRun] Open dryRun
         * @property {boolean|null} [force] Open force
         * @property {number|null} [sourceSize] Open sourceSize
         * @property {string|null} [job] Open job
         * @property {number|null} [resumeFrom] Open resumeFrom
         * @property {boolean|null} [verifyOnly] Open verifyOnly
         * @property {boolean|null} [trackChanges] Open trackChanges
         * @property {string|null} [pair] Open pair
         * @property {number|null} [createMode] Open createMode
         * @property {boolean|null} [createOwner] Open createOwner
         * @property {number|null} [createUid] Open createUid
         * @property {number|null} [createGid] Open createGid
         * @property {string|null} [sourceName] Open sourceName
         * @property {boolean|null} [changedRanges] Open changedRanges
         * @property {boolean|null} [trustDestination] Open trustDestination
         * @property {boolean|null} [noLineage] Open noLineage
         * @property {Uint8Array|null} [patchSeed] Open patchSeed
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Open.
         * @memberof blockpair
         * @interface IOpen
         * @augments blockpair.Open.$Properties
         * @deprecated Use blockpair.Open.$Properties instead.
         */

        /**
         * Shape of an Open.
         * @typedef {blockpair.Open.$Properties} blockpair.Open.$Shape
         */

        /**
         * Constructs a new Open.
         * @memberof blockpair
         * @classdesc Represents an Open.
         * @constructor
         * @param {blockpair.Open.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Open = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Open path.
         * @member {string} path
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.path = "";

        /**
         * Open role.
         * @member {blockpair.Role} role
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.role = 0;

        /**
         * Open blockSize.
         * @member {number} blockSize
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.blockSize = 0;

        /**
         * Open dryRun.
         * @member {boolean} dryRun
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.dryRun = false;

        /**
         * Open force.
         * @member {boolean} force
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.force = false;

        /**
         * Open sourceSize.
         * @member {number} sourceSize
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.sourceSize = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Open job.
         * @member {string} job
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.job = "";

        /**
         * Open resumeFrom.
         * @member {number} resumeFrom
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.resumeFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Open verifyOnly.
         * @member {boolean} verifyOnly
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.verifyOnly = false;

        /**
         * Open trackChanges.
         * @member {boolean} trackChanges
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.trackChanges = false;

        /**
         * Open pair.
         * @member {string} pair
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.pair = "";

        /**
         * Open createMode.
         * @member {number} createMode
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.createMode = 0;

        /**
         * Open createOwner.
         * @member {boolean} createOwner
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.createOwner = false;

        /**
         * Open createUid.
         * @member {number} createUid
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.createUid = 0;

        /**
         * Open createGid.
         * @member {number} createGid
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.createGid = 0;

        /**
         * Open sourceName.
         * @member {string} sourceName
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.sourceName = "";

        /**
         * Open changedRanges.
         * @member {boolean} changedRanges
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.changedRanges = false;

        /**
         * Open trustDestination.
         * @member {boolean} trustDestination
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.trustDestination = false;

        /**
         * Open noLineage.
         * @member {boolean} noLineage
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.noLineage = false;

        /**
         * Open patchSeed.
         * @member {Uint8Array} patchSeed
         * @memberof blockpair.Open
         * @instance
         */
        Open.prototype.patchSeed = $util.newBuffer([]);

        /**
         * Encodes the specified Open message. Does not implicitly {@link blockpair.Open.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Open
         * @static
         * @param {blockpair.Open.$Properties} message Open message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Open.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.path);
            if (message.role != null && $Object.hasOwnProperty.call(message, "role") && message.role !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.role);
            if (message.blockSize != null && $Object.hasOwnProperty.call(message, "blockSize") && message.blockSize !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.blockSize);
            if (message.dryRun != null && $Object.hasOwnProperty.call(message, "dryRun") && message.dryRun !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.dryRun);
            if (message.force != null && $Object.hasOwnProperty.call(message, "force") && message.force !== false)
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.force);
            if (message.sourceSize != null && $Object.hasOwnProperty.call(message, "sourceSize") && (typeof message.sourceSize === "object" ? message.sourceSize.low || message.sourceSize.high : message.sourceSize !== 0))
                writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.sourceSize);
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 7, wireType 2 =*/58).string(message.job);
            if (message.resumeFrom != null && $Object.hasOwnProperty.call(message, "resumeFrom") && (typeof message.resumeFrom === "object" ? message.resumeFrom.low || message.resumeFrom.high : message.resumeFrom !== 0))
                writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.resumeFrom);
            if (message.verifyOnly != null && $Object.hasOwnProperty.call(message, "verifyOnly") && message.verifyOnly !== false)
                writer.uint32(/* id 9, wireType 0 =*/72).bool(message.verifyOnly);
            if (message.trackChanges != null && $Object.hasOwnProperty.call(message, "trackChanges") && message.trackChanges !== false)
                writer.uint32(/* id 10, wireType 0 =*/80).bool(message.trackChanges);
            if (message.pair != null && $Object.hasOwnProperty.call(message, "pair") && message.pair !== "")
                writer.uint32(/* id 11, wireType 2 =*/90).string(message.pair);
            if (message.createMode != null && $Object.hasOwnProperty.call(message, "createMode") && message.createMode !== 0)
                writer.uint32(/* id 12, wireType 0 =*/96).uint32(message.createMode);
            if (message.createOwner != null && $Object.hasOwnProperty.call(message, "createOwner") && message.createOwner !== false)
                writer.uint32(/* id 13, wireType 0 =*/104).bool(message.createOwner);
            if (message.createUid != null && $Object.hasOwnProperty.call(message, "createUid") && message.createUid !== 0)
                writer.uint32(/* id 14, wireType 0 =*/112).uint32(message.createUid);
            if (message.createGid != null && $Object.hasOwnProperty.call(message, "createGid") && message.createGid !== 0)
                writer.uint32(/* id 15, wireType 0 =*/120).uint32(message.createGid);
            if (message.sourceName != null && $Object.hasOwnProperty.call(message, "sourceName") && message.sourceName !== "")
                writer.uint32(/* id 16, wireType 2 =*/130).string(message.sourceName);
            if (message.patchSeed != null && $Object.hasOwnProperty.call(message, "patchSeed") && message.patchSeed.length)
                writer.uint32(/* id 40, wireType 2 =*/322).bytes(message.patchSeed);
            if (message.changedRanges != null && $Object.hasOwnProperty.call(message, "changedRanges") && message.changedRanges !== false)
                writer.uint32(/* id 50, wireType 0 =*/400).bool(message.changedRanges);
            if (message.trustDestination != null && $Object.hasOwnProperty.call(message, "trustDestination") && message.trustDestination !== false)
                writer.uint32(/* id 51, wireType 0 =*/408).bool(message.trustDestination);
            if (message.noLineage != null && $Object.hasOwnProperty.call(message, "noLineage") && message.noLineage !== false)
                writer.uint32(/* id 52, wireType 0 =*/416).bool(message.noLineage);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Open message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Open
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Open & blockpair.Open.$Shape} Open
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Open.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Open();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.path = value;
                        else
                            delete message.path;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.role = value;
                        else
                            delete message.role;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.blockSize = value;
                        else
                            delete message.blockSize;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.dryRun = value;
                        else
                            delete message.dryRun;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.force = value;
                        else
                            delete message.force;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.sourceSize = value;
                        else
                            delete message.sourceSize;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.resumeFrom = value;
                        else
                            delete message.resumeFrom;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verifyOnly = value;
                        else
                            delete message.verifyOnly;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.trackChanges = value;
                        else
                            delete message.trackChanges;
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.pair = value;
                        else
                            delete message.pair;
                        continue;
                    }
                case 12: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.createMode = value;
                        else
                            delete message.createMode;
                        continue;
                    }
                case 13: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.createOwner = value;
                        else
                            delete message.createOwner;
                        continue;
                    }
                case 14: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.createUid = value;
                        else
                            delete message.createUid;
                        continue;
                    }
                case 15: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.createGid = value;
                        else
                            delete message.createGid;
                        continue;
                    }
                case 16: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.sourceName = value;
                        else
                            delete message.sourceName;
                        continue;
                    }
                case 50: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.changedRanges = value;
                        else
                            delete message.changedRanges;
                        continue;
                    }
                case 51: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.trustDestination = value;
                        else
                            delete message.trustDestination;
                        continue;
                    }
                case 52: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.noLineage = value;
                        else
                            delete message.noLineage;
                        continue;
                    }
                case 40: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.patchSeed = value;
                        else
                            delete message.patchSeed;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Open
         * @function getTypeUrl
         * @memberof blockpair.Open
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Open.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Open";
        };

        return Open;
    })();

    blockpair.Track = (function() {

        /**
         * Properties of a Track.
         * @typedef {Object} blockpair.Track.$Properties
         * @property {string|null} [method] Track method
         * @property {string|null} [reason] Track reason
         * @property {Uint8Array|null} [digest] Track digest
         * @property {Array.<number>|null} [rangeOffsets] Track rangeOffsets
         * @property {Array.<number>|null} [rangeLengths] Track rangeLengths
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Track.
         * @memberof blockpair
         * @interface ITrack
         * @augments blockpair.Track.$Properties
         * @deprecated Use blockpair.Track.$Properties instead.
         */

        /**
         * Shape of a Track.
         * @typedef {blockpair.Track.$Properties} blockpair.Track.$Shape
         */

        /**
         * Constructs a new Track.
         * @memberof blockpair
         * @classdesc Represents a Track.
         * @constructor
         * @param {blockpair.Track.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Track = function (properties) {
            this.rangeOffsets = [];
            this.rangeLengths = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Track method.
         * @member {string} method
         * @memberof blockpair.Track
         * @instance
         */
        Track.prototype.method = "";

        /**
         * Track reason.
         * @member {string} reason
         * @memberof blockpair.Track
         * @instance
         */
        Track.prototype.reason = "";

        /**
         * Track digest.
         * @member {Uint8Array} digest
         * @memberof blockpair.Track
         * @instance
         */
        Track.prototype.digest = $util.newBuffer([]);

        /**
         * Track rangeOffsets.
         * @member {Array.<number>} rangeOffsets
         * @memberof blockpair.Track
         * @instance
         */
        Track.prototype.rangeOffsets = $util.emptyArray;

        /**
         * Track rangeLengths.
         * @member {Array.<number>} rangeLengths
         * @memberof blockpair.Track
         * @instance
         */
        Track.prototype.rangeLengths = $util.emptyArray;

        /**
         * Encodes the specified Track message. Does not implicitly {@link blockpair.Track.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Track
         * @static
         * @param {blockpair.Track.$Properties} message Track message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Track.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.method != null && $Object.hasOwnProperty.call(message, "method") && message.method !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.method);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.digest);
            if (message.rangeOffsets != null && message.rangeOffsets.length)
                writer.uint32(/* id 4, wireType 2 =*/34).uint64s(message.rangeOffsets);
            if (message.rangeLengths != null && message.rangeLengths.length)
                writer.uint32(/* id 5, wireType 2 =*/42).uint64s(message.rangeLengths);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Track message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Track
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Track & blockpair.Track.$Shape} Track
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Track.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Track();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.method = value;
                        else
                            delete message.method;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                case 4: {
                        if (wireType === 2) {
                            if (!(message.rangeOffsets && message.rangeOffsets.length))
                                message.rangeOffsets = [];
                            reader.uint64s(message.rangeOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.rangeOffsets && message.rangeOffsets.length))
                            message.rangeOffsets = [];
                        message.rangeOffsets.push(reader.uint64());
                        continue;
                    }
                case 5: {
                        if (wireType === 2) {
                            if (!(message.rangeLengths && message.rangeLengths.length))
                                message.rangeLengths = [];
                            reader.uint64s(message.rangeLengths);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.rangeLengths && message.rangeLengths.length))
                            message.rangeLengths = [];
                        message.rangeLengths.push(reader.uint64());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Track
         * @function getTypeUrl
         * @memberof blockpair.Track
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Track.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Track";
        };

        return Track;
    })();

    blockpair.Opened = (function() {

        /**
         * Properties of an Opened.
         * @typedef {Object} blockpair.Opened.$Properties
         * @property {number|null} [size] Opened size
         * @property {boolean|null} [existed] Opened existed
         * @property {boolean|null} [isDevice] Opened isDevice
         * @property {number|null} [mtimeMs] Opened mtimeMs
         * @property {number|null} [dev] Opened dev
         * @property {number|null} [ino] Opened ino
         * @property {blockpair.Track.$Properties|null} [track] Opened track
         * @property {string|null} [stamp] Opened stamp
         * @property {number|null} [mode] Opened mode
         * @property {number|null} [uid] Opened uid
         * @property {number|null} [gid] Opened gid
         * @property {string|null} [mtimeNs] Opened mtimeNs
         * @property {string|null} [path] Opened path
         * @property {Uint8Array|null} [cacheSeed] Opened cacheSeed
         * @property {string|null} [cacheReason] Opened cacheReason
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Opened.
         * @memberof blockpair
         * @interface IOpened
         * @augments blockpair.Opened.$Properties
         * @deprecated Use blockpair.Opened.$Properties instead.
         */

        /**
         * Shape of an Opened.
         * @typedef {blockpair.Opened.$Properties} blockpair.Opened.$Shape
         */

        /**
         * Constructs a new Opened.
         * @memberof blockpair
         * @classdesc Represents an Opened.
         * @constructor
         * @param {blockpair.Opened.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Opened = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Opened size.
         * @member {number} size
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Opened existed.
         * @member {boolean} existed
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.existed = false;

        /**
         * Opened isDevice.
         * @member {boolean} isDevice
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.isDevice = false;

        /**
         * Opened mtimeMs.
         * @member {number} mtimeMs
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.mtimeMs = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Opened dev.
         * @member {number} dev
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.dev = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Opened ino.
         * @member {number} ino
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.ino = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Opened track.
         * @member {blockpair.Track.$Properties|null|undefined} track
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.track = null;

        /**
         * Opened stamp.
         * @member {string} stamp
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.stamp = "";

        /**
         * Opened mode.
         * @member {number} mode
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.mode = 0;

        /**
         * Opened uid.
         * @member {number} uid
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.uid = 0;

        /**
         * Opened gid.
         * @member {number} gid
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.gid = 0;

        /**
         * Opened mtimeNs.
         * @member {string} mtimeNs
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.mtimeNs = "";

        /**
         * Opened path.
         * @member {string} path
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.path = "";

        /**
         * Opened cacheSeed.
         * @member {Uint8Array} cacheSeed
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.cacheSeed = $util.newBuffer([]);

        /**
         * Opened cacheReason.
         * @member {string} cacheReason
         * @memberof blockpair.Opened
         * @instance
         */
        Opened.prototype.cacheReason = "";

        /**
         * Encodes the specified Opened message. Does not implicitly {@link blockpair.Opened.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Opened
         * @static
         * @param {blockpair.Opened.$Properties} message Opened message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Opened.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.size != null && $Object.hasOwnProperty.call(message, "size") && (typeof message.size === "object" ? message.size.low || message.size.high : message.size !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.size);
            if (message.existed != null && $Object.hasOwnProperty.call(message, "existed") && message.existed !== false)
                writer.uint32(/* id 2, wireType 0 =*/16).bool(message.existed);
            if (message.isDevice != null && $Object.hasOwnProperty.call(message, "isDevice") && message.isDevice !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.isDevice);
            if (message.mtimeMs != null && $Object.hasOwnProperty.call(message, "mtimeMs") && (typeof message.mtimeMs === "object" ? message.mtimeMs.low || message.mtimeMs.high : message.mtimeMs !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).int64(message.mtimeMs);
            if (message.dev != null && $Object.hasOwnProperty.call(message, "dev") && (typeof message.dev === "object" ? message.dev.low || message.dev.high : message.dev !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.dev);
            if (message.ino != null && $Object.hasOwnProperty.call(message, "ino") && (typeof message.ino === "object" ? message.ino.low || message.ino.high : message.ino !== 0))
                writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.ino);
            if (message.track != null && $Object.hasOwnProperty.call(message, "track"))
                $root.blockpair.Track.encode(message.track, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.stamp != null && $Object.hasOwnProperty.call(message, "stamp") && message.stamp !== "")
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.stamp);
            if (message.mode != null && $Object.hasOwnProperty.call(message, "mode") && message.mode !== 0)
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.mode);
            if (message.uid != null && $Object.hasOwnProperty.call(message, "uid") && message.uid !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.uid);
            if (message.gid != null && $Object.hasOwnProperty.call(message, "gid") && message.gid !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.gid);
            if (message.mtimeNs != null && $Object.hasOwnProperty.call(message, "mtimeNs") && message.mtimeNs !== "")
                writer.uint32(/* id 12, wireType 2 =*/98).string(message.mtimeNs);
            if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                writer.uint32(/* id 13, wireType 2 =*/106).string(message.path);
            if (message.cacheSeed != null && $Object.hasOwnProperty.call(message, "cacheSeed") && message.cacheSeed.length)
                writer.uint32(/* id 30, wireType 2 =*/242).bytes(message.cacheSeed);
            if (message.cacheReason != null && $Object.hasOwnProperty.call(message, "cacheReason") && message.cacheReason !== "")
                writer.uint32(/* id 31, wireType 2 =*/250).string(message.cacheReason);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Opened message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Opened
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Opened & blockpair.Opened.$Shape} Opened
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Opened.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Opened();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.size = value;
                        else
                            delete message.size;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.existed = value;
                        else
                            delete message.existed;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.isDevice = value;
                        else
                            delete message.isDevice;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                            message.mtimeMs = value;
                        else
                            delete message.mtimeMs;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.dev = value;
                        else
                            delete message.dev;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.ino = value;
                        else
                            delete message.ino;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.track = $root.blockpair.Track.decode(reader, reader.size(), $undefined, _depth + 1, message.track);
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.stamp = value;
                        else
                            delete message.stamp;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.mode = value;
                        else
                            delete message.mode;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.uid = value;
                        else
                            delete message.uid;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.gid = value;
                        else
                            delete message.gid;
                        continue;
                    }
                case 12: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.mtimeNs = value;
                        else
                            delete message.mtimeNs;
                        continue;
                    }
                case 13: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.path = value;
                        else
                            delete message.path;
                        continue;
                    }
                case 30: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.cacheSeed = value;
                        else
                            delete message.cacheSeed;
                        continue;
                    }
                case 31: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.cacheReason = value;
                        else
                            delete message.cacheReason;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Opened
         * @function getTypeUrl
         * @memberof blockpair.Opened
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Opened.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Opened";
        };

        return Opened;
    })();

    blockpair.Start = (function() {

        /**
         * Properties of a Start.
         * @typedef {Object} blockpair.Start.$Properties
         * @property {number|null} [size] Start size
         * @property {number|null} [blockSize] Start blockSize
         * @property {number|null} [start] Start start
         * @property {number|null} [end] Start end
         * @property {number|null} [destZeroFrom] Start destZeroFrom
         * @property {boolean|null} [dryRun] Start dryRun
         * @property {boolean|null} [verify] Start verify
         * @property {boolean|null} [tracked] Start tracked
         * @property {Array.<number>|null} [rangeOffsets] Start rangeOffsets
         * @property {Array.<number>|null} [rangeLengths] Start rangeLengths
         * @property {string|null} [mtimeNs] Start mtimeNs
         * @property {Uint8Array|null} [cacheSeed] Start cacheSeed
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Start.
         * @memberof blockpair
         * @interface IStart
         * @augments blockpair.Start.$Properties
         * @deprecated Use blockpair.Start.$Properties instead.
         */

        /**
         * Shape of a Start.
         * @typedef {blockpair.Start.$Properties} blockpair.Start.$Shape
         */

        /**
         * Constructs a new Start.
         * @memberof blockpair
         * @classdesc Represents a Start.
         * @constructor
         * @param {blockpair.Start.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Start = function (properties) {
            this.rangeOffsets = [];
            this.rangeLengths = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Start size.
         * @member {number} size
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Start blockSize.
         * @member {number} blockSize
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.blockSize = 0;

        /**
         * Start start.
         * @member {number} start
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.start = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Start end.
         * @member {number} end
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.end = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Start destZeroFrom.
         * @member {number} destZeroFrom
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.destZeroFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Start dryRun.
         * @member {boolean} dryRun
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.dryRun = false;

        /**
         * Start verify.
         * @member {boolean} verify
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.verify = false;

        /**
         * Start tracked.
         * @member {boolean} tracked
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.tracked = false;

        /**
         * Start rangeOffsets.
         * @member {Array.<number>} rangeOffsets
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.rangeOffsets = $util.emptyArray;

        /**
         * Start rangeLengths.
         * @member {Array.<number>} rangeLengths
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.rangeLengths = $util.emptyArray;

        /**
         * Start mtimeNs.
         * @member {string} mtimeNs
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.mtimeNs = "";

        /**
         * Start cacheSeed.
         * @member {Uint8Array} cacheSeed
         * @memberof blockpair.Start
         * @instance
         */
        Start.prototype.cacheSeed = $util.newBuffer([]);

        /**
         * Encodes the specified Start message. Does not implicitly {@link blockpair.Start.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Start
         * @static
         * @param {blockpair.Start.$Properties} message Start message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Start.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.size != null && $Object.hasOwnProperty.call(message, "size") && (typeof message.size === "object" ? message.size.low || message.size.high : message.size !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.size);
            if (message.blockSize != null && $Object.hasOwnProperty.call(message, "blockSize") && message.blockSize !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.blockSize);
            if (message.start != null && $Object.hasOwnProperty.call(message, "start") && (typeof message.start === "object" ? message.start.low || message.start.high : message.start !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.start);
            if (message.end != null && $Object.hasOwnProperty.call(message, "end") && (typeof message.end === "object" ? message.end.low || message.end.high : message.end !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.end);
            if (message.destZeroFrom != null && $Object.hasOwnProperty.call(message, "destZeroFrom") && (typeof message.destZeroFrom === "object" ? message.destZeroFrom.low || message.destZeroFrom.high : message.destZeroFrom !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.destZeroFrom);
            if (message.dryRun != null && $Object.hasOwnProperty.call(message, "dryRun") && message.dryRun !== false)
                writer.uint32(/* id 6, wireType 0 =*/48).bool(message.dryRun);
            if (message.verify != null && $Object.hasOwnProperty.call(message, "verify") && message.verify !== false)
                writer.uint32(/* id 7, wireType 0 =*/56).bool(message.verify);
            if (message.tracked != null && $Object.hasOwnProperty.call(message, "tracked") && message.tracked !== false)
                writer.uint32(/* id 8, wireType 0 =*/64).bool(message.tracked);
            if (message.rangeOffsets != null && message.rangeOffsets.length)
                writer.uint32(/* id 9, wireType 2 =*/74).uint64s(message.rangeOffsets);
            if (message.rangeLengths != null && message.rangeLengths.length)
                writer.uint32(/* id 10, wireType 2 =*/82).uint64s(message.rangeLengths);
            if (message.mtimeNs != null && $Object.hasOwnProperty.call(message, "mtimeNs") && message.mtimeNs !== "")
                writer.uint32(/* id 11, wireType 2 =*/90).string(message.mtimeNs);
            if (message.cacheSeed != null && $Object.hasOwnProperty.call(message, "cacheSeed") && message.cacheSeed.length)
                writer.uint32(/* id 30, wireType 2 =*/242).bytes(message.cacheSeed);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Start message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Start
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Start & blockpair.Start.$Shape} Start
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Start.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Start();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.size = value;
                        else
                            delete message.size;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.blockSize = value;
                        else
                            delete message.blockSize;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.start = value;
                        else
                            delete message.start;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.end = value;
                        else
                            delete message.end;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.destZeroFrom = value;
                        else
                            delete message.destZeroFrom;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.dryRun = value;
                        else
                            delete message.dryRun;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verify = value;
                        else
                            delete message.verify;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.tracked = value;
                        else
                            delete message.tracked;
                        continue;
                    }
                case 9: {
                        if (wireType === 2) {
                            if (!(message.rangeOffsets && message.rangeOffsets.length))
                                message.rangeOffsets = [];
                            reader.uint64s(message.rangeOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.rangeOffsets && message.rangeOffsets.length))
                            message.rangeOffsets = [];
                        message.rangeOffsets.push(reader.uint64());
                        continue;
                    }
                case 10: {
                        if (wireType === 2) {
                            if (!(message.rangeLengths && message.rangeLengths.length))
                                message.rangeLengths = [];
                            reader.uint64s(message.rangeLengths);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.rangeLengths && message.rangeLengths.length))
                            message.rangeLengths = [];
                        message.rangeLengths.push(reader.uint64());
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.mtimeNs = value;
                        else
                            delete message.mtimeNs;
                        continue;
                    }
                case 30: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.cacheSeed = value;
                        else
                            delete message.cacheSeed;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Start
         * @function getTypeUrl
         * @memberof blockpair.Start
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Start.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Start";
        };

        return Start;
    })();

    blockpair.Manifest = (function() {

        /**
         * Properties of a Manifest.
         * @typedef {Object} blockpair.Manifest.$Properties
         * @property {number|null} [segment] Manifest segment
         * @property {Uint8Array|null} [hashes] Manifest hashes
         * @property {Uint8Array|null} [zeros] Manifest zeros
         * @property {number|null} [count] Manifest count
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Manifest.
         * @memberof blockpair
         * @interface IManifest
         * @augments blockpair.Manifest.$Properties
         * @deprecated Use blockpair.Manifest.$Properties instead.
         */

        /**
         * Shape of a Manifest.
         * @typedef {blockpair.Manifest.$Properties} blockpair.Manifest.$Shape
         */

        /**
         * Constructs a new Manifest.
         * @memberof blockpair
         * @classdesc Represents a Manifest.
         * @constructor
         * @param {blockpair.Manifest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Manifest = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Manifest segment.
         * @member {number} segment
         * @memberof blockpair.Manifest
         * @instance
         */
        Manifest.prototype.segment = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Manifest hashes.
         * @member {Uint8Array} hashes
         * @memberof blockpair.Manifest
         * @instance
         */
        Manifest.prototype.hashes = $util.newBuffer([]);

        /**
         * Manifest zeros.
         * @member {Uint8Array} zeros
         * @memberof blockpair.Manifest
         * @instance
         */
        Manifest.prototype.zeros = $util.newBuffer([]);

        /**
         * Manifest count.
         * @member {number} count
         * @memberof blockpair.Manifest
         * @instance
         */
        Manifest.prototype.count = 0;

        /**
         * Encodes the specified Manifest message. Does not implicitly {@link blockpair.Manifest.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Manifest
         * @static
         * @param {blockpair.Manifest.$Properties} message Manifest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Manifest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.segment != null && $Object.hasOwnProperty.call(message, "segment") && (typeof message.segment === "object" ? message.segment.low || message.segment.high : message.segment !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.segment);
            if (message.hashes != null && $Object.hasOwnProperty.call(message, "hashes") && message.hashes.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.hashes);
            if (message.zeros != null && $Object.hasOwnProperty.call(message, "zeros") && message.zeros.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.zeros);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.count);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Manifest message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Manifest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Manifest & blockpair.Manifest.$Shape} Manifest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Manifest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Manifest();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.segment = value;
                        else
                            delete message.segment;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.hashes = value;
                        else
                            delete message.hashes;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.zeros = value;
                        else
                            delete message.zeros;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Manifest
         * @function getTypeUrl
         * @memberof blockpair.Manifest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Manifest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Manifest";
        };

        return Manifest;
    })();

    blockpair.Refine = (function() {

        /**
         * Properties of a Refine.
         * @typedef {Object} blockpair.Refine.$Properties
         * @property {number|null} [segment] Refine segment
         * @property {Array.<number>|null} [blocks] Refine blocks
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Refine.
         * @memberof blockpair
         * @interface IRefine
         * @augments blockpair.Refine.$Properties
         * @deprecated Use blockpair.Refine.$Properties instead.
         */

        /**
         * Shape of a Refine.
         * @typedef {blockpair.Refine.$Properties} blockpair.Refine.$Shape
         */

        /**
         * Constructs a new Refine.
         * @memberof blockpair
         * @classdesc Represents a Refine.
         * @constructor
         * @param {blockpair.Refine.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Refine = function (properties) {
            this.blocks = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Refine segment.
         * @member {number} segment
         * @memberof blockpair.Refine
         * @instance
         */
        Refine.prototype.segment = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Refine blocks.
         * @member {Array.<number>} blocks
         * @memberof blockpair.Refine
         * @instance
         */
        Refine.prototype.blocks = $util.emptyArray;

        /**
         * Encodes the specified Refine message. Does not implicitly {@link blockpair.Refine.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Refine
         * @static
         * @param {blockpair.Refine.$Properties} message Refine message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Refine.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.segment != null && $Object.hasOwnProperty.call(message, "segment") && (typeof message.segment === "object" ? message.segment.low || message.segment.high : message.segment !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.segment);
            if (message.blocks != null && message.blocks.length)
                writer.uint32(/* id 2, wireType 2 =*/18).uint32s(message.blocks);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Refine message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Refine
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Refine & blockpair.Refine.$Shape} Refine
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Refine.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Refine();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.segment = value;
                        else
                            delete message.segment;
                        continue;
                    }
                case 2: {
                        if (wireType === 2) {
                            if (!(message.blocks && message.blocks.length))
                                message.blocks = [];
                            reader.uint32s(message.blocks);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.blocks && message.blocks.length))
                            message.blocks = [];
                        message.blocks.push(reader.uint32());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Refine
         * @function getTypeUrl
         * @memberof blockpair.Refine
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Refine.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Refine";
        };

        return Refine;
    })();

    blockpair.RefineHashes = (function() {

        /**
         * Properties of a RefineHashes.
         * @typedef {Object} blockpair.RefineHashes.$Properties
         * @property {number|null} [segment] RefineHashes segment
         * @property {Uint8Array|null} [hashes] RefineHashes hashes
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a RefineHashes.
         * @memberof blockpair
         * @interface IRefineHashes
         * @augments blockpair.RefineHashes.$Properties
         * @deprecated Use blockpair.RefineHashes.$Properties instead.
         */

        /**
         * Shape of a RefineHashes.
         * @typedef {blockpair.RefineHashes.$Properties} blockpair.RefineHashes.$Shape
         */

        /**
         * Constructs a new RefineHashes.
         * @memberof blockpair
         * @classdesc Represents a RefineHashes.
         * @constructor
         * @param {blockpair.RefineHashes.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var RefineHashes = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * RefineHashes segment.
         * @member {number} segment
         * @memberof blockpair.RefineHashes
         * @instance
         */
        RefineHashes.prototype.segment = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * RefineHashes hashes.
         * @member {Uint8Array} hashes
         * @memberof blockpair.RefineHashes
         * @instance
         */
        RefineHashes.prototype.hashes = $util.newBuffer([]);

        /**
         * Encodes the specified RefineHashes message. Does not implicitly {@link blockpair.RefineHashes.verify|verify} messages.
         * @function encode
         * @memberof blockpair.RefineHashes
         * @static
         * @param {blockpair.RefineHashes.$Properties} message RefineHashes message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RefineHashes.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.segment != null && $Object.hasOwnProperty.call(message, "segment") && (typeof message.segment === "object" ? message.segment.low || message.segment.high : message.segment !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.segment);
            if (message.hashes != null && $Object.hasOwnProperty.call(message, "hashes") && message.hashes.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.hashes);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a RefineHashes message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.RefineHashes
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.RefineHashes & blockpair.RefineHashes.$Shape} RefineHashes
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RefineHashes.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.RefineHashes();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.segment = value;
                        else
                            delete message.segment;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.hashes = value;
                        else
                            delete message.hashes;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for RefineHashes
         * @function getTypeUrl
         * @memberof blockpair.RefineHashes
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        RefineHashes.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.RefineHashes";
        };

        return RefineHashes;
    })();

    blockpair.Data = (function() {

        /**
         * Properties of a Data.
         * @typedef {Object} blockpair.Data.$Properties
         * @property {number|null} [offset] Data offset
         * @property {number|null} [length] Data length
         * @property {Array.<number>|null} [pieceOffsets] Data pieceOffsets
         * @property {Array.<number>|null} [pieceLengths] Data pieceLengths
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Data.
         * @memberof blockpair
         * @interface IData
         * @augments blockpair.Data.$Properties
         * @deprecated Use blockpair.Data.$Properties instead.
         */

        /**
         * Shape of a Data.
         * @typedef {blockpair.Data.$Properties} blockpair.Data.$Shape
         */

        /**
         * Constructs a new Data.
         * @memberof blockpair
         * @classdesc Represents a Data.
         * @constructor
         * @param {blockpair.Data.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Data = function (properties) {
            this.pieceOffsets = [];
            this.pieceLengths = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Data offset.
         * @member {number} offset
         * @memberof blockpair.Data
         * @instance
         */
        Data.prototype.offset = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Data length.
         * @member {number} length
         * @memberof blockpair.Data
         * @instance
         */
        Data.prototype.length = 0;

        /**
         * Data pieceOffsets.
         * @member {Array.<number>} pieceOffsets
         * @memberof blockpair.Data
         * @instance
         */
        Data.prototype.pieceOffsets = $util.emptyArray;

        /**
         * Data pieceLengths.
         * @member {Array.<number>} pieceLengths
         * @memberof blockpair.Data
         * @instance
         */
        Data.prototype.pieceLengths = $util.emptyArray;

        /**
         * Encodes the specified Data message. Does not implicitly {@link blockpair.Data.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Data
         * @static
         * @param {blockpair.Data.$Properties} message Data message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Data.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && (typeof message.offset === "object" ? message.offset.low || message.offset.high : message.offset !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.offset);
            if (message.length != null && $Object.hasOwnProperty.call(message, "length") && message.length !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.length);
            if (message.pieceOffsets != null && message.pieceOffsets.length)
                writer.uint32(/* id 3, wireType 2 =*/26).uint64s(message.pieceOffsets);
            if (message.pieceLengths != null && message.pieceLengths.length)
                writer.uint32(/* id 4, wireType 2 =*/34).uint32s(message.pieceLengths);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Data message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Data
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Data & blockpair.Data.$Shape} Data
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Data.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Data();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.length = value;
                        else
                            delete message.length;
                        continue;
                    }
                case 3: {
                        if (wireType === 2) {
                            if (!(message.pieceOffsets && message.pieceOffsets.length))
                                message.pieceOffsets = [];
                            reader.uint64s(message.pieceOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.pieceOffsets && message.pieceOffsets.length))
                            message.pieceOffsets = [];
                        message.pieceOffsets.push(reader.uint64());
                        continue;
                    }
                case 4: {
                        if (wireType === 2) {
                            if (!(message.pieceLengths && message.pieceLengths.length))
                                message.pieceLengths = [];
                            reader.uint32s(message.pieceLengths);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.pieceLengths && message.pieceLengths.length))
                            message.pieceLengths = [];
                        message.pieceLengths.push(reader.uint32());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Data
         * @function getTypeUrl
         * @memberof blockpair.Data
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Data.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Data";
        };

        return Data;
    })();

    blockpair.Zero = (function() {

        /**
         * Properties of a Zero.
         * @typedef {Object} blockpair.Zero.$Properties
         * @property {number|null} [offset] Zero offset
         * @property {number|null} [length] Zero length
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Zero.
         * @memberof blockpair
         * @interface IZero
         * @augments blockpair.Zero.$Properties
         * @deprecated Use blockpair.Zero.$Properties instead.
         */

        /**
         * Shape of a Zero.
         * @typedef {blockpair.Zero.$Properties} blockpair.Zero.$Shape
         */

        /**
         * Constructs a new Zero.
         * @memberof blockpair
         * @classdesc Represents a Zero.
         * @constructor
         * @param {blockpair.Zero.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Zero = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Zero offset.
         * @member {number} offset
         * @memberof blockpair.Zero
         * @instance
         */
        Zero.prototype.offset = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Zero length.
         * @member {number} length
         * @memberof blockpair.Zero
         * @instance
         */
        Zero.prototype.length = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Encodes the specified Zero message. Does not implicitly {@link blockpair.Zero.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Zero
         * @static
         * @param {blockpair.Zero.$Properties} message Zero message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Zero.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && (typeof message.offset === "object" ? message.offset.low || message.offset.high : message.offset !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.offset);
            if (message.length != null && $Object.hasOwnProperty.call(message, "length") && (typeof message.length === "object" ? message.length.low || message.length.high : message.length !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.length);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Zero message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Zero
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Zero & blockpair.Zero.$Shape} Zero
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Zero.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Zero();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.length = value;
                        else
                            delete message.length;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Zero
         * @function getTypeUrl
         * @memberof blockpair.Zero
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Zero.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Zero";
        };

        return Zero;
    })();

    blockpair.SegmentEnd = (function() {

        /**
         * Properties of a SegmentEnd.
         * @typedef {Object} blockpair.SegmentEnd.$Properties
         * @property {number|null} [segment] SegmentEnd segment
         * @property {number|null} [count] SegmentEnd count
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SegmentEnd.
         * @memberof blockpair
         * @interface ISegmentEnd
         * @augments blockpair.SegmentEnd.$Properties
         * @deprecated Use blockpair.SegmentEnd.$Properties instead.
         */

        /**
         * Shape of a SegmentEnd.
         * @typedef {blockpair.SegmentEnd.$Properties} blockpair.SegmentEnd.$Shape
         */

        /**
         * Constructs a new SegmentEnd.
         * @memberof blockpair
         * @classdesc Represents a SegmentEnd.
         * @constructor
         * @param {blockpair.SegmentEnd.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var SegmentEnd = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * SegmentEnd segment.
         * @member {number} segment
         * @memberof blockpair.SegmentEnd
         * @instance
         */
        SegmentEnd.prototype.segment = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * SegmentEnd count.
         * @member {number} count
         * @memberof blockpair.SegmentEnd
         * @instance
         */
        SegmentEnd.prototype.count = 0;

        /**
         * Encodes the specified SegmentEnd message. Does not implicitly {@link blockpair.SegmentEnd.verify|verify} messages.
         * @function encode
         * @memberof blockpair.SegmentEnd
         * @static
         * @param {blockpair.SegmentEnd.$Properties} message SegmentEnd message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SegmentEnd.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.segment != null && $Object.hasOwnProperty.call(message, "segment") && (typeof message.segment === "object" ? message.segment.low || message.segment.high : message.segment !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.segment);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.count);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a SegmentEnd message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.SegmentEnd
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.SegmentEnd & blockpair.SegmentEnd.$Shape} SegmentEnd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SegmentEnd.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.SegmentEnd();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.segment = value;
                        else
                            delete message.segment;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for SegmentEnd
         * @function getTypeUrl
         * @memberof blockpair.SegmentEnd
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        SegmentEnd.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.SegmentEnd";
        };

        return SegmentEnd;
    })();

    blockpair.Checkpoint = (function() {

        /**
         * Properties of a Checkpoint.
         * @typedef {Object} blockpair.Checkpoint.$Properties
         * @property {number|null} [offset] Checkpoint offset
         * @property {string|null} [stamp] Checkpoint stamp
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Checkpoint.
         * @memberof blockpair
         * @interface ICheckpoint
         * @augments blockpair.Checkpoint.$Properties
         * @deprecated Use blockpair.Checkpoint.$Properties instead.
         */

        /**
         * Shape of a Checkpoint.
         * @typedef {blockpair.Checkpoint.$Properties} blockpair.Checkpoint.$Shape
         */

        /**
         * Constructs a new Checkpoint.
         * @memberof blockpair
         * @classdesc Represents a Checkpoint.
         * @constructor
         * @param {blockpair.Checkpoint.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Checkpoint = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Checkpoint offset.
         * @member {number} offset
         * @memberof blockpair.Checkpoint
         * @instance
         */
        Checkpoint.prototype.offset = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Checkpoint stamp.
         * @member {string} stamp
         * @memberof blockpair.Checkpoint
         * @instance
         */
        Checkpoint.prototype.stamp = "";

        /**
         * Encodes the specified Checkpoint message. Does not implicitly {@link blockpair.Checkpoint.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Checkpoint
         * @static
         * @param {blockpair.Checkpoint.$Properties} message Checkpoint message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Checkpoint.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && (typeof message.offset === "object" ? message.offset.low || message.offset.high : message.offset !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.offset);
            if (message.stamp != null && $Object.hasOwnProperty.call(message, "stamp") && message.stamp !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.stamp);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Checkpoint message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Checkpoint
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Checkpoint & blockpair.Checkpoint.$Shape} Checkpoint
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Checkpoint.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Checkpoint();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.stamp = value;
                        else
                            delete message.stamp;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Checkpoint
         * @function getTypeUrl
         * @memberof blockpair.Checkpoint
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Checkpoint.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Checkpoint";
        };

        return Checkpoint;
    })();

    blockpair.Stats = (function() {

        /**
         * Properties of a Stats.
         * @typedef {Object} blockpair.Stats.$Properties
         * @property {number|null} [bytesRead] Stats bytesRead
         * @property {number|null} [bytesWritten] Stats bytesWritten
         * @property {number|null} [bytesZeroed] Stats bytesZeroed
         * @property {number|null} [bytesSent] Stats bytesSent
         * @property {number|null} [blocksChanged] Stats blocksChanged
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Stats.
         * @memberof blockpair
         * @interface IStats
         * @augments blockpair.Stats.$Properties
         * @deprecated Use blockpair.Stats.$Properties instead.
         */

        /**
         * Shape of a Stats.
         * @typedef {blockpair.Stats.$Properties} blockpair.Stats.$Shape
         */

        /**
         * Constructs a new Stats.
         * @memberof blockpair
         * @classdesc Represents a Stats.
         * @constructor
         * @param {blockpair.Stats.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Stats = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Stats bytesRead.
         * @member {number} bytesRead
         * @memberof blockpair.Stats
         * @instance
         */
        Stats.prototype.bytesRead = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Stats bytesWritten.
         * @member {number} bytesWritten
         * @memberof blockpair.Stats
         * @instance
         */
        Stats.prototype.bytesWritten = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Stats bytesZeroed.
         * @member {number} bytesZeroed
         * @memberof blockpair.Stats
         * @instance
         */
        Stats.prototype.bytesZeroed = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Stats bytesSent.
         * @member {number} bytesSent
         * @memberof blockpair.Stats
         * @instance
         */
        Stats.prototype.bytesSent = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Stats blocksChanged.
         * @member {number} blocksChanged
         * @memberof blockpair.Stats
         * @instance
         */
        Stats.prototype.blocksChanged = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Encodes the specified Stats message. Does not implicitly {@link blockpair.Stats.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Stats
         * @static
         * @param {blockpair.Stats.$Properties} message Stats message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Stats.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.bytesRead != null && $Object.hasOwnProperty.call(message, "bytesRead") && (typeof message.bytesRead === "object" ? message.bytesRead.low || message.bytesRead.high : message.bytesRead !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.bytesRead);
            if (message.bytesWritten != null && $Object.hasOwnProperty.call(message, "bytesWritten") && (typeof message.bytesWritten === "object" ? message.bytesWritten.low || message.bytesWritten.high : message.bytesWritten !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.bytesWritten);
            if (message.bytesZeroed != null && $Object.hasOwnProperty.call(message, "bytesZeroed") && (typeof message.bytesZeroed === "object" ? message.bytesZeroed.low || message.bytesZeroed.high : message.bytesZeroed !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.bytesZeroed);
            if (message.bytesSent != null && $Object.hasOwnProperty.call(message, "bytesSent") && (typeof message.bytesSent === "object" ? message.bytesSent.low || message.bytesSent.high : message.bytesSent !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.bytesSent);
            if (message.blocksChanged != null && $Object.hasOwnProperty.call(message, "blocksChanged") && (typeof message.blocksChanged === "object" ? message.blocksChanged.low || message.blocksChanged.high : message.blocksChanged !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.blocksChanged);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Stats message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Stats
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Stats & blockpair.Stats.$Shape} Stats
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Stats.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Stats();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesRead = value;
                        else
                            delete message.bytesRead;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesWritten = value;
                        else
                            delete message.bytesWritten;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesZeroed = value;
                        else
                            delete message.bytesZeroed;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesSent = value;
                        else
                            delete message.bytesSent;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.blocksChanged = value;
                        else
                            delete message.blocksChanged;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Stats
         * @function getTypeUrl
         * @memberof blockpair.Stats
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Stats.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Stats";
        };

        return Stats;
    })();

    blockpair.Finish = (function() {

        /**
         * Properties of a Finish.
         * @typedef {Object} blockpair.Finish.$Properties
         * @property {Uint8Array|null} [digest] Finish digest
         * @property {blockpair.Stats.$Properties|null} [stats] Finish stats
         * @property {boolean|null} [sourceChanged] Finish sourceChanged
         * @property {Array.<number>|null} [diffOffsets] Finish diffOffsets
         * @property {Array.<number>|null} [diffLengths] Finish diffLengths
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Finish.
         * @memberof blockpair
         * @interface IFinish
         * @augments blockpair.Finish.$Properties
         * @deprecated Use blockpair.Finish.$Properties instead.
         */

        /**
         * Shape of a Finish.
         * @typedef {blockpair.Finish.$Properties} blockpair.Finish.$Shape
         */

        /**
         * Constructs a new Finish.
         * @memberof blockpair
         * @classdesc Represents a Finish.
         * @constructor
         * @param {blockpair.Finish.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Finish = function (properties) {
            this.diffOffsets = [];
            this.diffLengths = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Finish digest.
         * @member {Uint8Array} digest
         * @memberof blockpair.Finish
         * @instance
         */
        Finish.prototype.digest = $util.newBuffer([]);

        /**
         * Finish stats.
         * @member {blockpair.Stats.$Properties|null|undefined} stats
         * @memberof blockpair.Finish
         * @instance
         */
        Finish.prototype.stats = null;

        /**
         * Finish sourceChanged.
         * @member {boolean} sourceChanged
         * @memberof blockpair.Finish
         * @instance
         */
        Finish.prototype.sourceChanged = false;

        /**
         * Finish diffOffsets.
         * @member {Array.<number>} diffOffsets
         * @memberof blockpair.Finish
         * @instance
         */
        Finish.prototype.diffOffsets = $util.emptyArray;

        /**
         * Finish diffLengths.
         * @member {Array.<number>} diffLengths
         * @memberof blockpair.Finish
         * @instance
         */
        Finish.prototype.diffLengths = $util.emptyArray;

        /**
         * Encodes the specified Finish message. Does not implicitly {@link blockpair.Finish.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Finish
         * @static
         * @param {blockpair.Finish.$Properties} message Finish message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Finish.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.digest);
            if (message.stats != null && $Object.hasOwnProperty.call(message, "stats"))
                $root.blockpair.Stats.encode(message.stats, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.sourceChanged != null && $Object.hasOwnProperty.call(message, "sourceChanged") && message.sourceChanged !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.sourceChanged);
            if (message.diffOffsets != null && message.diffOffsets.length)
                writer.uint32(/* id 4, wireType 2 =*/34).uint64s(message.diffOffsets);
            if (message.diffLengths != null && message.diffLengths.length)
                writer.uint32(/* id 5, wireType 2 =*/42).uint64s(message.diffLengths);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Finish message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Finish
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Finish & blockpair.Finish.$Shape} Finish
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Finish.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Finish();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.stats = $root.blockpair.Stats.decode(reader, reader.size(), $undefined, _depth + 1, message.stats);
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.sourceChanged = value;
                        else
                            delete message.sourceChanged;
                        continue;
                    }
                case 4: {
                        if (wireType === 2) {
                            if (!(message.diffOffsets && message.diffOffsets.length))
                                message.diffOffsets = [];
                            reader.uint64s(message.diffOffsets);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.diffOffsets && message.diffOffsets.length))
                            message.diffOffsets = [];
                        message.diffOffsets.push(reader.uint64());
                        continue;
                    }
                case 5: {
                        if (wireType === 2) {
                            if (!(message.diffLengths && message.diffLengths.length))
                                message.diffLengths = [];
                            reader.uint64s(message.diffLengths);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.diffLengths && message.diffLengths.length))
                            message.diffLengths = [];
                        message.diffLengths.push(reader.uint64());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Finish
         * @function getTypeUrl
         * @memberof blockpair.Finish
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Finish.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Finish";
        };

        return Finish;
    })();

    blockpair.Finished = (function() {

        /**
         * Properties of a Finished.
         * @typedef {Object} blockpair.Finished.$Properties
         * @property {Uint8Array|null} [digest] Finished digest
         * @property {blockpair.Stats.$Properties|null} [stats] Finished stats
         * @property {boolean|null} [verified] Finished verified
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Finished.
         * @memberof blockpair
         * @interface IFinished
         * @augments blockpair.Finished.$Properties
         * @deprecated Use blockpair.Finished.$Properties instead.
         */

        /**
         * Shape of a Finished.
         * @typedef {blockpair.Finished.$Properties} blockpair.Finished.$Shape
         */

        /**
         * Constructs a new Finished.
         * @memberof blockpair
         * @classdesc Represents a Finished.
         * @constructor
         * @param {blockpair.Finished.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Finished = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Finished digest.
         * @member {Uint8Array} digest
         * @memberof blockpair.Finished
         * @instance
         */
        Finished.prototype.digest = $util.newBuffer([]);

        /**
         * Finished stats.
         * @member {blockpair.Stats.$Properties|null|undefined} stats
         * @memberof blockpair.Finished
         * @instance
         */
        Finished.prototype.stats = null;

        /**
         * Finished verified.
         * @member {boolean} verified
         * @memberof blockpair.Finished
         * @instance
         */
        Finished.prototype.verified = false;

        /**
         * Encodes the specified Finished message. Does not implicitly {@link blockpair.Finished.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Finished
         * @static
         * @param {blockpair.Finished.$Properties} message Finished message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Finished.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.digest);
            if (message.stats != null && $Object.hasOwnProperty.call(message, "stats"))
                $root.blockpair.Stats.encode(message.stats, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.verified != null && $Object.hasOwnProperty.call(message, "verified") && message.verified !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.verified);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Finished message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Finished
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Finished & blockpair.Finished.$Shape} Finished
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Finished.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Finished();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.stats = $root.blockpair.Stats.decode(reader, reader.size(), $undefined, _depth + 1, message.stats);
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verified = value;
                        else
                            delete message.verified;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Finished
         * @function getTypeUrl
         * @memberof blockpair.Finished
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Finished.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Finished";
        };

        return Finished;
    })();

    blockpair.Keepalive = (function() {

        /**
         * Properties of a Keepalive.
         * @typedef {Object} blockpair.Keepalive.$Properties
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Keepalive.
         * @memberof blockpair
         * @interface IKeepalive
         * @augments blockpair.Keepalive.$Properties
         * @deprecated Use blockpair.Keepalive.$Properties instead.
         */

        /**
         * Shape of a Keepalive.
         * @typedef {blockpair.Keepalive.$Properties} blockpair.Keepalive.$Shape
         */

        /**
         * Constructs a new Keepalive.
         * @memberof blockpair
         * @classdesc Represents a Keepalive.
         * @constructor
         * @param {blockpair.Keepalive.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Keepalive = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Encodes the specified Keepalive message. Does not implicitly {@link blockpair.Keepalive.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Keepalive
         * @static
         * @param {blockpair.Keepalive.$Properties} message Keepalive message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Keepalive.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Keepalive message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Keepalive
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Keepalive & blockpair.Keepalive.$Shape} Keepalive
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Keepalive.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Keepalive();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                reader.skipType(tag & 7, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Keepalive
         * @function getTypeUrl
         * @memberof blockpair.Keepalive
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Keepalive.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Keepalive";
        };

        return Keepalive;
    })();

    blockpair.Error = (function() {

        /**
         * Properties of an Error.
         * @typedef {Object} blockpair.Error.$Properties
         * @property {string|null} [code] Error code
         * @property {number|null} [exit] Error exit
         * @property {string|null} [message] Error message
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Error.
         * @memberof blockpair
         * @interface IError
         * @augments blockpair.Error.$Properties
         * @deprecated Use blockpair.Error.$Properties instead.
         */

        /**
         * Shape of an Error.
         * @typedef {blockpair.Error.$Properties} blockpair.Error.$Shape
         */

        /**
         * Constructs a new Error.
         * @memberof blockpair
         * @classdesc Represents an Error.
         * @constructor
         * @param {blockpair.Error.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Error = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Error code.
         * @member {string} code
         * @memberof blockpair.Error
         * @instance
         */
        Error.prototype.code = "";

        /**
         * Error exit.
         * @member {number} exit
         * @memberof blockpair.Error
         * @instance
         */
        Error.prototype.exit = 0;

        /**
         * Error message.
         * @member {string} message
         * @memberof blockpair.Error
         * @instance
         */
        Error.prototype.message = "";

        /**
         * Encodes the specified Error message. Does not implicitly {@link blockpair.Error.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Error
         * @static
         * @param {blockpair.Error.$Properties} message Error message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Error.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.code);
            if (message.exit != null && $Object.hasOwnProperty.call(message, "exit") && message.exit !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.exit);
            if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.message);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Error message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Error
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Error & blockpair.Error.$Shape} Error
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Error.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Error();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.code = value;
                        else
                            delete message.code;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.exit = value;
                        else
                            delete message.exit;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.message = value;
                        else
                            delete message.message;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Error
         * @function getTypeUrl
         * @memberof blockpair.Error
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Error.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Error";
        };

        return Error;
    })();

    blockpair.FileHeader = (function() {

        /**
         * Properties of a FileHeader.
         * @typedef {Object} blockpair.FileHeader.$Properties
         * @property {string|null} [magic] FileHeader magic
         * @property {number|null} [version] FileHeader version
         * @property {number|null} [size] FileHeader size
         * @property {number|null} [baseSize] FileHeader baseSize
         * @property {number|null} [blockSize] FileHeader blockSize
         * @property {Uint8Array|null} [seed] FileHeader seed
         * @property {string|null} [compression] FileHeader compression
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FileHeader.
         * @memberof blockpair
         * @interface IFileHeader
         * @augments blockpair.FileHeader.$Properties
         * @deprecated Use blockpair.FileHeader.$Properties instead.
         */

        /**
         * Shape of a FileHeader.
         * @typedef {blockpair.FileHeader.$Properties} blockpair.FileHeader.$Shape
         */

        /**
         * Constructs a new FileHeader.
         * @memberof blockpair
         * @classdesc Represents a FileHeader.
         * @constructor
         * @param {blockpair.FileHeader.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var FileHeader = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * FileHeader magic.
         * @member {string} magic
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.magic = "";

        /**
         * FileHeader version.
         * @member {number} version
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.version = 0;

        /**
         * FileHeader size.
         * @member {number} size
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FileHeader baseSize.
         * @member {number} baseSize
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.baseSize = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FileHeader blockSize.
         * @member {number} blockSize
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.blockSize = 0;

        /**
         * FileHeader seed.
         * @member {Uint8Array} seed
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.seed = $util.newBuffer([]);

        /**
         * FileHeader compression.
         * @member {string} compression
         * @memberof blockpair.FileHeader
         * @instance
         */
        FileHeader.prototype.compression = "";

        /**
         * Encodes the specified FileHeader message. Does not implicitly {@link blockpair.FileHeader.verify|verify} messages.
         * @function encode
         * @memberof blockpair.FileHeader
         * @static
         * @param {blockpair.FileHeader.$Properties} message FileHeader message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FileHeader.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.magic != null && $Object.hasOwnProperty.call(message, "magic") && message.magic !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.magic);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.version);
            if (message.size != null && $Object.hasOwnProperty.call(message, "size") && (typeof message.size === "object" ? message.size.low || message.size.high : message.size !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.size);
            if (message.baseSize != null && $Object.hasOwnProperty.call(message, "baseSize") && (typeof message.baseSize === "object" ? message.baseSize.low || message.baseSize.high : message.baseSize !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.baseSize);
            if (message.blockSize != null && $Object.hasOwnProperty.call(message, "blockSize") && message.blockSize !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.blockSize);
            if (message.seed != null && $Object.hasOwnProperty.call(message, "seed") && message.seed.length)
                writer.uint32(/* id 6, wireType 2 =*/50).bytes(message.seed);
            if (message.compression != null && $Object.hasOwnProperty.call(message, "compression") && message.compression !== "")
                writer.uint32(/* id 7, wireType 2 =*/58).string(message.compression);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a FileHeader message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.FileHeader
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.FileHeader & blockpair.FileHeader.$Shape} FileHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FileHeader.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.FileHeader();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.magic = value;
                        else
                            delete message.magic;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.size = value;
                        else
                            delete message.size;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.baseSize = value;
                        else
                            delete message.baseSize;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.blockSize = value;
                        else
                            delete message.blockSize;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.seed = value;
                        else
                            delete message.seed;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.compression = value;
                        else
                            delete message.compression;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for FileHeader
         * @function getTypeUrl
         * @memberof blockpair.FileHeader
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FileHeader.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.FileHeader";
        };

        return FileHeader;
    })();

    blockpair.PatchBlocks = (function() {

        /**
         * Properties of a PatchBlocks.
         * @typedef {Object} blockpair.PatchBlocks.$Properties
         * @property {number|null} [segment] PatchBlocks segment
         * @property {Array.<number>|null} [blocks] PatchBlocks blocks
         * @property {Uint8Array|null} [base] PatchBlocks base
         * @property {Uint8Array|null} [result] PatchBlocks result
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a PatchBlocks.
         * @memberof blockpair
         * @interface IPatchBlocks
         * @augments blockpair.PatchBlocks.$Properties
         * @deprecated Use blockpair.PatchBlocks.$Properties instead.
         */

        /**
         * Shape of a PatchBlocks.
         * @typedef {blockpair.PatchBlocks.$Properties} blockpair.PatchBlocks.$Shape
         */

        /**
         * Constructs a new PatchBlocks.
         * @memberof blockpair
         * @classdesc Represents a PatchBlocks.
         * @constructor
         * @param {blockpair.PatchBlocks.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var PatchBlocks = function (properties) {
            this.blocks = [];
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * PatchBlocks segment.
         * @member {number} segment
         * @memberof blockpair.PatchBlocks
         * @instance
         */
        PatchBlocks.prototype.segment = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * PatchBlocks blocks.
         * @member {Array.<number>} blocks
         * @memberof blockpair.PatchBlocks
         * @instance
         */
        PatchBlocks.prototype.blocks = $util.emptyArray;

        /**
         * PatchBlocks base.
         * @member {Uint8Array} base
         * @memberof blockpair.PatchBlocks
         * @instance
         */
        PatchBlocks.prototype.base = $util.newBuffer([]);

        /**
         * PatchBlocks result.
         * @member {Uint8Array} result
         * @memberof blockpair.PatchBlocks
         * @instance
         */
        PatchBlocks.prototype.result = $util.newBuffer([]);

        /**
         * Encodes the specified PatchBlocks message. Does not implicitly {@link blockpair.PatchBlocks.verify|verify} messages.
         * @function encode
         * @memberof blockpair.PatchBlocks
         * @static
         * @param {blockpair.PatchBlocks.$Properties} message PatchBlocks message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        PatchBlocks.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.segment != null && $Object.hasOwnProperty.call(message, "segment") && (typeof message.segment === "object" ? message.segment.low || message.segment.high : message.segment !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.segment);
            if (message.blocks != null && message.blocks.length)
                writer.uint32(/* id 2, wireType 2 =*/18).uint32s(message.blocks);
            if (message.base != null && $Object.hasOwnProperty.call(message, "base") && message.base.length)
                writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.base);
            if (message.result != null && $Object.hasOwnProperty.call(message, "result") && message.result.length)
                writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.result);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a PatchBlocks message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.PatchBlocks
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.PatchBlocks & blockpair.PatchBlocks.$Shape} PatchBlocks
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        PatchBlocks.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.PatchBlocks();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.segment = value;
                        else
                            delete message.segment;
                        continue;
                    }
                case 2: {
                        if (wireType === 2) {
                            if (!(message.blocks && message.blocks.length))
                                message.blocks = [];
                            reader.uint32s(message.blocks);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.blocks && message.blocks.length))
                            message.blocks = [];
                        message.blocks.push(reader.uint32());
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.base = value;
                        else
                            delete message.base;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.result = value;
                        else
                            delete message.result;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for PatchBlocks
         * @function getTypeUrl
         * @memberof blockpair.PatchBlocks
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        PatchBlocks.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.PatchBlocks";
        };

        return PatchBlocks;
    })();

    blockpair.FileEnd = (function() {

        /**
         * Properties of a FileEnd.
         * @typedef {Object} blockpair.FileEnd.$Properties
         * @property {Uint8Array|null} [baseDigest] FileEnd baseDigest
         * @property {Uint8Array|null} [digest] FileEnd digest
         * @property {number|null} [records] FileEnd records
         * @property {number|null} [bytesData] FileEnd bytesData
         * @property {number|null} [bytesZero] FileEnd bytesZero
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FileEnd.
         * @memberof blockpair
         * @interface IFileEnd
         * @augments blockpair.FileEnd.$Properties
         * @deprecated Use blockpair.FileEnd.$Properties instead.
         */

        /**
         * Shape of a FileEnd.
         * @typedef {blockpair.FileEnd.$Properties} blockpair.FileEnd.$Shape
         */

        /**
         * Constructs a new FileEnd.
         * @memberof blockpair
         * @classdesc Represents a FileEnd.
         * @constructor
         * @param {blockpair.FileEnd.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var FileEnd = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * FileEnd baseDigest.
         * @member {Uint8Array} baseDigest
         * @memberof blockpair.FileEnd
         * @instance
         */
        FileEnd.prototype.baseDigest = $util.newBuffer([]);

        /**
         * FileEnd digest.
         * @member {Uint8Array} digest
         * @memberof blockpair.FileEnd
         * @instance
         */
        FileEnd.prototype.digest = $util.newBuffer([]);

        /**
         * FileEnd records.
         * @member {number} records
         * @memberof blockpair.FileEnd
         * @instance
         */
        FileEnd.prototype.records = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FileEnd bytesData.
         * @member {number} bytesData
         * @memberof blockpair.FileEnd
         * @instance
         */
        FileEnd.prototype.bytesData = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FileEnd bytesZero.
         * @member {number} bytesZero
         * @memberof blockpair.FileEnd
         * @instance
         */
        FileEnd.prototype.bytesZero = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Encodes the specified FileEnd message. Does not implicitly {@link blockpair.FileEnd.verify|verify} messages.
         * @function encode
         * @memberof blockpair.FileEnd
         * @static
         * @param {blockpair.FileEnd.$Properties} message FileEnd message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FileEnd.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.baseDigest != null && $Object.hasOwnProperty.call(message, "baseDigest") && message.baseDigest.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.baseDigest);
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.digest);
            if (message.records != null && $Object.hasOwnProperty.call(message, "records") && (typeof message.records === "object" ? message.records.low || message.records.high : message.records !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.records);
            if (message.bytesData != null && $Object.hasOwnProperty.call(message, "bytesData") && (typeof message.bytesData === "object" ? message.bytesData.low || message.bytesData.high : message.bytesData !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.bytesData);
            if (message.bytesZero != null && $Object.hasOwnProperty.call(message, "bytesZero") && (typeof message.bytesZero === "object" ? message.bytesZero.low || message.bytesZero.high : message.bytesZero !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.bytesZero);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a FileEnd message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.FileEnd
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.FileEnd & blockpair.FileEnd.$Shape} FileEnd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FileEnd.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.FileEnd();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.baseDigest = value;
                        else
                            delete message.baseDigest;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.records = value;
                        else
                            delete message.records;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesData = value;
                        else
                            delete message.bytesData;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesZero = value;
                        else
                            delete message.bytesZero;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for FileEnd
         * @function getTypeUrl
         * @memberof blockpair.FileEnd
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FileEnd.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.FileEnd";
        };

        return FileEnd;
    })();

    blockpair.Frame = (function() {

        /**
         * Properties of a Frame.
         * @typedef {Object} blockpair.Frame.$Properties
         * @property {blockpair.Hello.$Properties|null} [hello] Frame hello
         * @property {blockpair.Open.$Properties|null} [open] Frame open
         * @property {blockpair.Opened.$Properties|null} [opened] Frame opened
         * @property {blockpair.Start.$Properties|null} [start] Frame start
         * @property {blockpair.Manifest.$Properties|null} [manifest] Frame manifest
         * @property {blockpair.Refine.$Properties|null} [refine] Frame refine
         * @property {blockpair.RefineHashes.$Properties|null} [refineHashes] Frame refineHashes
         * @property {blockpair.Data.$Properties|null} [data] Frame data
         * @property {blockpair.Zero.$Properties|null} [zero] Frame zero
         * @property {blockpair.SegmentEnd.$Properties|null} [segmentEnd] Frame segmentEnd
         * @property {blockpair.Checkpoint.$Properties|null} [checkpoint] Frame checkpoint
         * @property {blockpair.Finish.$Properties|null} [finish] Frame finish
         * @property {blockpair.Finished.$Properties|null} [finished] Frame finished
         * @property {blockpair.Error.$Properties|null} [error] Frame error
         * @property {blockpair.Keepalive.$Properties|null} [keepalive] Frame keepalive
         * @property {blockpair.FileHeader.$Properties|null} [fileHeader] Frame fileHeader
         * @property {blockpair.PatchBlocks.$Properties|null} [patchBlocks] Frame patchBlocks
         * @property {blockpair.FileEnd.$Properties|null} [fileEnd] Frame fileEnd
         * @property {"hello"|"open"|"opened"|"start"|"manifest"|"refine"|"refineHashes"|"data"|"zero"|"segmentEnd"|"checkpoint"|"finish"|"finished"|"error"|"keepalive"|"fileHeader"|"patchBlocks"|"fileEnd"} [body] Frame body
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Frame.
         * @memberof blockpair
         * @interface IFrame
         * @augments blockpair.Frame.$Properties
         * @deprecated Use blockpair.Frame.$Properties instead.
         */

        /**
         * Narrowed shape of a Frame.
         * @typedef {{
         *   hello?: blockpair.Hello.$Shape|null;
         *   open?: blockpair.Open.$Shape|null;
         *   opened?: blockpair.Opened.$Shape|null;
         *   start?: blockpair.Start.$Shape|null;
         *   manifest?: blockpair.Manifest.$Shape|null;
         *   refine?: blockpair.Refine.$Shape|null;
         *   refineHashes?: blockpair.RefineHashes.$Shape|null;
         *   data?: blockpair.Data.$Shape|null;
         *   zero?: blockpair.Zero.$Shape|null;
         *   segmentEnd?: blockpair.SegmentEnd.$Shape|null;
         *   checkpoint?: blockpair.Checkpoint.$Shape|null;
         *   finish?: blockpair.Finish.$Shape|null;
         *   finished?: blockpair.Finished.$Shape|null;
         *   error?: blockpair.Error.$Shape|null;
         *   keepalive?: blockpair.Keepalive.$Shape|null;
         *   fileHeader?: blockpair.FileHeader.$Shape|null;
         *   patchBlocks?: blockpair.PatchBlocks.$Shape|null;
         *   fileEnd?: blockpair.FileEnd.$Shape|null;
         *   $unknowns?: Array.<Uint8Array>;
         * } & (
         *   ({ body?: undefined; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "hello"; hello: blockpair.Hello.$Shape; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "open"; hello?: null; open: blockpair.Open.$Shape; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "opened"; hello?: null; open?: null; opened: blockpair.Opened.$Shape; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "start"; hello?: null; open?: null; opened?: null; start: blockpair.Start.$Shape; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "manifest"; hello?: null; open?: null; opened?: null; start?: null; manifest: blockpair.Manifest.$Shape; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "refine"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine: blockpair.Refine.$Shape; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "refineHashes"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes: blockpair.RefineHashes.$Shape; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "data"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data: blockpair.Data.$Shape; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "zero"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero: blockpair.Zero.$Shape; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "segmentEnd"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd: blockpair.SegmentEnd.$Shape; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "checkpoint"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint: blockpair.Checkpoint.$Shape; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "finish"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish: blockpair.Finish.$Shape; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "finished"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished: blockpair.Finished.$Shape; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "error"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error: blockpair.Error.$Shape; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "keepalive"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive: blockpair.Keepalive.$Shape; fileHeader?: null; patchBlocks?: null; fileEnd?: null }|{ body?: "fileHeader"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader: blockpair.FileHeader.$Shape; patchBlocks?: null; fileEnd?: null }|{ body?: "patchBlocks"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks: blockpair.PatchBlocks.$Shape; fileEnd?: null }|{ body?: "fileEnd"; hello?: null; open?: null; opened?: null; start?: null; manifest?: null; refine?: null; refineHashes?: null; data?: null; zero?: null; segmentEnd?: null; checkpoint?: null; finish?: null; finished?: null; error?: null; keepalive?: null; fileHeader?: null; patchBlocks?: null; fileEnd: blockpair.FileEnd.$Shape })
         * )} blockpair.Frame.$Shape
         */

        /**
         * Constructs a new Frame.
         * @memberof blockpair
         * @classdesc Represents a Frame.
         * @constructor
         * @param {blockpair.Frame.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        var Frame = function (properties) {
            if (properties)
                for (var keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Frame hello.
         * @member {blockpair.Hello.$Properties|null|undefined} hello
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.hello = null;

        /**
         * Frame open.
         * @member {blockpair.Open.$Properties|null|undefined} open
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.open = null;

        /**
         * Frame opened.
         * @member {blockpair.Opened.$Properties|null|undefined} opened
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.opened = null;

        /**
         * Frame start.
         * @member {blockpair.Start.$Properties|null|undefined} start
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.start = null;

        /**
         * Frame manifest.
         * @member {blockpair.Manifest.$Properties|null|undefined} manifest
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.manifest = null;

        /**
         * Frame refine.
         * @member {blockpair.Refine.$Properties|null|undefined} refine
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.refine = null;

        /**
         * Frame refineHashes.
         * @member {blockpair.RefineHashes.$Properties|null|undefined} refineHashes
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.refineHashes = null;

        /**
         * Frame data.
         * @member {blockpair.Data.$Properties|null|undefined} data
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.data = null;

        /**
         * Frame zero.
         * @member {blockpair.Zero.$Properties|null|undefined} zero
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.zero = null;

        /**
         * Frame segmentEnd.
         * @member {blockpair.SegmentEnd.$Properties|null|undefined} segmentEnd
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.segmentEnd = null;

        /**
         * Frame checkpoint.
         * @member {blockpair.Checkpoint.$Properties|null|undefined} checkpoint
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.checkpoint = null;

        /**
         * Frame finish.
         * @member {blockpair.Finish.$Properties|null|undefined} finish
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.finish = null;

        /**
         * Frame finished.
         * @member {blockpair.Finished.$Properties|null|undefined} finished
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.finished = null;

        /**
         * Frame error.
         * @member {blockpair.Error.$Properties|null|undefined} error
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.error = null;

        /**
         * Frame keepalive.
         * @member {blockpair.Keepalive.$Properties|null|undefined} keepalive
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.keepalive = null;

        /**
         * Frame fileHeader.
         * @member {blockpair.FileHeader.$Properties|null|undefined} fileHeader
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.fileHeader = null;

        /**
         * Frame patchBlocks.
         * @member {blockpair.PatchBlocks.$Properties|null|undefined} patchBlocks
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.patchBlocks = null;

        /**
         * Frame fileEnd.
         * @member {blockpair.FileEnd.$Properties|null|undefined} fileEnd
         * @memberof blockpair.Frame
         * @instance
         */
        Frame.prototype.fileEnd = null;

        // OneOf field names bound to virtual getters and setters
        var $oneOfFields;

        /**
         * Frame body.
         * @member {"hello"|"open"|"opened"|"start"|"manifest"|"refine"|"refineHashes"|"data"|"zero"|"segmentEnd"|"checkpoint"|"finish"|"finished"|"error"|"keepalive"|"fileHeader"|"patchBlocks"|"fileEnd"|undefined} body
         * @memberof blockpair.Frame
         * @instance
         */
        $Object.defineProperty(Frame.prototype, "body", {
            get: $util.oneOfGetter($oneOfFields = ["hello", "open", "opened", "start", "manifest", "refine", "refineHashes", "data", "zero", "segmentEnd", "checkpoint", "finish", "finished", "error", "keepalive", "fileHeader", "patchBlocks", "fileEnd"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Encodes the specified Frame message. Does not implicitly {@link blockpair.Frame.verify|verify} messages.
         * @function encode
         * @memberof blockpair.Frame
         * @static
         * @param {blockpair.Frame.$Properties} message Frame message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Frame.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.hello != null && $Object.hasOwnProperty.call(message, "hello"))
                $root.blockpair.Hello.encode(message.hello, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.open != null && $Object.hasOwnProperty.call(message, "open"))
                $root.blockpair.Open.encode(message.open, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.opened != null && $Object.hasOwnProperty.call(message, "opened"))
                $root.blockpair.Opened.encode(message.opened, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.start != null && $Object.hasOwnProperty.call(message, "start"))
                $root.blockpair.Start.encode(message.start, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.manifest != null && $Object.hasOwnProperty.call(message, "manifest"))
                $root.blockpair.Manifest.encode(message.manifest, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.refine != null && $Object.hasOwnProperty.call(message, "refine"))
                $root.blockpair.Refine.encode(message.refine, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.refineHashes != null && $Object.hasOwnProperty.call(message, "refineHashes"))
                $root.blockpair.RefineHashes.encode(message.refineHashes, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.data != null && $Object.hasOwnProperty.call(message, "data"))
                $root.blockpair.Data.encode(message.data, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
            if (message.zero != null && $Object.hasOwnProperty.call(message, "zero"))
                $root.blockpair.Zero.encode(message.zero, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
            if (message.segmentEnd != null && $Object.hasOwnProperty.call(message, "segmentEnd"))
                $root.blockpair.SegmentEnd.encode(message.segmentEnd, writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
            if (message.checkpoint != null && $Object.hasOwnProperty.call(message, "checkpoint"))
                $root.blockpair.Checkpoint.encode(message.checkpoint, writer.uint32(/* id 11, wireType 2 =*/90).fork(), _depth + 1).ldelim();
            if (message.finish != null && $Object.hasOwnProperty.call(message, "finish"))
                $root.blockpair.Finish.encode(message.finish, writer.uint32(/* id 12, wireType 2 =*/98).fork(), _depth + 1).ldelim();
            if (message.finished != null && $Object.hasOwnProperty.call(message, "finished"))
                $root.blockpair.Finished.encode(message.finished, writer.uint32(/* id 13, wireType 2 =*/106).fork(), _depth + 1).ldelim();
            if (message.error != null && $Object.hasOwnProperty.call(message, "error"))
                $root.blockpair.Error.encode(message.error, writer.uint32(/* id 14, wireType 2 =*/114).fork(), _depth + 1).ldelim();
            if (message.keepalive != null && $Object.hasOwnProperty.call(message, "keepalive"))
                $root.blockpair.Keepalive.encode(message.keepalive, writer.uint32(/* id 15, wireType 2 =*/122).fork(), _depth + 1).ldelim();
            if (message.fileHeader != null && $Object.hasOwnProperty.call(message, "fileHeader"))
                $root.blockpair.FileHeader.encode(message.fileHeader, writer.uint32(/* id 16, wireType 2 =*/130).fork(), _depth + 1).ldelim();
            if (message.patchBlocks != null && $Object.hasOwnProperty.call(message, "patchBlocks"))
                $root.blockpair.PatchBlocks.encode(message.patchBlocks, writer.uint32(/* id 17, wireType 2 =*/138).fork(), _depth + 1).ldelim();
            if (message.fileEnd != null && $Object.hasOwnProperty.call(message, "fileEnd"))
                $root.blockpair.FileEnd.encode(message.fileEnd, writer.uint32(/* id 18, wireType 2 =*/146).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (var i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Frame message from the specified reader or buffer.
         * @function decode
         * @memberof blockpair.Frame
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {blockpair.Frame & blockpair.Frame.$Shape} Frame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Frame.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.blockpair.Frame();
            while (reader.pos < end) {
                var start = reader.pos;
                var tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                var wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.hello = $root.blockpair.Hello.decode(reader, reader.size(), $undefined, _depth + 1, message.hello);
                        message.body = "hello";
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.open = $root.blockpair.Open.decode(reader, reader.size(), $undefined, _depth + 1, message.open);
                        message.body = "open";
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.opened = $root.blockpair.Opened.decode(reader, reader.size(), $undefined, _depth + 1, message.opened);
                        message.body = "opened";
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.start = $root.blockpair.Start.decode(reader, reader.size(), $undefined, _depth + 1, message.start);
                        message.body = "start";
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.manifest = $root.blockpair.Manifest.decode(reader, reader.size(), $undefined, _depth + 1, message.manifest);
                        message.body = "manifest";
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.refine = $root.blockpair.Refine.decode(reader, reader.size(), $undefined, _depth + 1, message.refine);
                        message.body = "refine";
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.refineHashes = $root.blockpair.RefineHashes.decode(reader, reader.size(), $undefined, _depth + 1, message.refineHashes);
                        message.body = "refineHashes";
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        message.data = $root.blockpair.Data.decode(reader, reader.size(), $undefined, _depth + 1, message.data);
                        message.body = "data";
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        message.zero = $root.blockpair.Zero.decode(reader, reader.size(), $undefined, _depth + 1, message.zero);
                        message.body = "zero";
                        continue;
                    }
                case 10: {
                        if (wireType !== 2)
                            break;
                        message.segmentEnd = $root.blockpair.SegmentEnd.decode(reader, reader.size(), $undefined, _depth + 1, message.segmentEnd);
                        message.body = "segmentEnd";
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        message.checkpoint = $root.blockpair.Checkpoint.decode(reader, reader.size(), $undefined, _depth + 1, message.checkpoint);
                        message.body = "checkpoint";
                        continue;
                    }
                case 12: {
                        if (wireType !== 2)
                            break;
                        message.finish = $root.blockpair.Finish.decode(reader, reader.size(), $undefined, _depth + 1, message.finish);
                        message.body = "finish";
                        continue;
                    }
                case 13: {
                        if (wireType !== 2)
                            break;
                        message.finished = $root.blockpair.Finished.decode(reader, reader.size(), $undefined, _depth + 1, message.finished);
                        message.body = "finished";
                        continue;
                    }
                case 14: {
                        if (wireType !== 2)
                            break;
                        message.error = $root.blockpair.Error.decode(reader, reader.size(), $undefined, _depth + 1, message.error);
                        message.body = "error";
                        continue;
                    }
                case 15: {
                        if (wireType !== 2)
                            break;
                        message.keepalive = $root.blockpair.Keepalive.decode(reader, reader.size(), $undefined, _depth + 1, message.keepalive);
                        message.body = "keepalive";
                        continue;
                    }
                case 16: {
                        if (wireType !== 2)
                            break;
                        message.fileHeader = $root.blockpair.FileHeader.decode(reader, reader.size(), $undefined, _depth + 1, message.fileHeader);
                        message.body = "fileHeader";
                        continue;
                    }
                case 17: {
                        if (wireType !== 2)
                            break;
                        message.patchBlocks = $root.blockpair.PatchBlocks.decode(reader, reader.size(), $undefined, _depth + 1, message.patchBlocks);
                        message.body = "patchBlocks";
                        continue;
                    }
                case 18: {
                        if (wireType !== 2)
                            break;
                        message.fileEnd = $root.blockpair.FileEnd.decode(reader, reader.size(), $undefined, _depth + 1, message.fileEnd);
                        message.body = "fileEnd";
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Frame
         * @function getTypeUrl
         * @memberof blockpair.Frame
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Frame.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/blockpair.Frame";
        };

        return Frame;
    })();

    return blockpair;
})();

module.exports = $root;
