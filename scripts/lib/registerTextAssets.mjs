// For `node --import ./scripts/lib/registerTextAssets.mjs out/...`: text imports work under plain Node
// (see textAssets.mjs).
import { registerTextAssets } from './textAssets.mjs';

registerTextAssets();
