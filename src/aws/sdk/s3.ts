// One SDK client class by name, imported lazily by ../../state/s3.ts (only when an s3:// state is used).
export { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
