// Empty stand-in: see ../package.json "overrides".
module.exports = {};
