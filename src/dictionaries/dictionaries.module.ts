import { Global, Module } from '@nestjs/common';
import { DictionariesService } from './dictionaries.service.js';

@Global()
@Module({ providers: [DictionariesService], exports: [DictionariesService] })
export class DictionariesModule {}
